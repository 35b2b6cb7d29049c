// Readiness probe used by infra.sh. Dependency-free on purpose (raw wire protocol
// over node:net), so it works before/without `npm install` of kafkajs or mongodb.
//
//   node probe.mjs kafka 127.0.0.1:19092   -> Metadata request; ok if >= 1 broker listed
//   node probe.mjs mongo 127.0.0.1:27018   -> OP_MSG {ping: 1}; ok if reply has ok: 1
//
// Exit 0 when ready, 1 otherwise (reason on stderr). Each attempt times out after 3 s.
import net from 'node:net';

const [kind, addr] = process.argv.slice(2);
const [host, port] = addr.split(':');

// Sends one request and resolves with the first complete reply. Both protocols
// prefix a frame with an int32 length; `frameLen(buf)` turns it into a byte count
// (Kafka: big-endian, excludes itself; MongoDB: little-endian, includes itself).
function roundTrip(frame, frameLen) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port: Number(port) });
    const timer = setTimeout(() => sock.destroy(new Error('timeout after 3s')), 3000);
    let buf = Buffer.alloc(0);
    sock.on('connect', () => sock.write(frame));
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 4) return;
      const total = frameLen(buf);
      if (buf.length >= total) { clearTimeout(timer); sock.end(); resolve(buf.subarray(0, total)); }
    });
    sock.on('error', (e) => { clearTimeout(timer); reject(e); });
    sock.on('close', () => { clearTimeout(timer); reject(new Error('connection closed before a full reply')); });
  });
}

async function kafka() {
  // MetadataRequest v4 (non-flexible): header v1 = api_key, api_version, correlation_id,
  // client_id; body = topics (null array = all topics), allow_auto_topic_creation.
  const clientId = Buffer.from('countersign-probe');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4 + 1);
  let o = 0;
  o = body.writeInt16BE(3, o);            // api_key: Metadata
  o = body.writeInt16BE(4, o);            // api_version
  o = body.writeInt32BE(42, o);           // correlation_id
  o = body.writeInt16BE(clientId.length, o);
  o += clientId.copy(body, o);
  o = body.writeInt32BE(-1, o);           // topics: null
  body.writeInt8(0, o);                   // allow_auto_topic_creation: false
  const len = Buffer.alloc(4);
  len.writeInt32BE(body.length);
  const reply = await roundTrip(Buffer.concat([len, body]), (b) => b.readInt32BE(0) + 4);
  // reply: length, correlation_id, throttle_time_ms, brokers array length, ...
  if (reply.readInt32BE(4) !== 42) throw new Error('unexpected correlation id');
  const brokers = reply.readInt32BE(12);
  if (brokers < 1) throw new Error('metadata lists no broker yet');
}

async function mongo() {
  // BSON {ping: 1, $db: "admin"} inside an OP_MSG (opcode 2013), section kind 0.
  const doc = Buffer.concat([
    Buffer.from([0x10]), Buffer.from('ping\0'), int32le(1),
    Buffer.from([0x02]), Buffer.from('$db\0'), int32le(6), Buffer.from('admin\0'),
    Buffer.from([0x00]),
  ]);
  const bson = Buffer.concat([int32le(doc.length + 4), doc]);
  const msg = Buffer.concat([int32le(0), Buffer.from([0]), bson]); // flagBits, kind 0, doc
  const header = Buffer.concat([int32le(16 + msg.length), int32le(1), int32le(0), int32le(2013)]);
  const reply = await roundTrip(Buffer.concat([header, msg]), (b) => b.readInt32LE(0));
  // Look for the BSON element `ok` of type double (0x01) and require 1.0.
  const okAt = reply.indexOf(Buffer.from([0x01, ...Buffer.from('ok\0')]));
  if (okAt < 0 || reply.readDoubleLE(okAt + 4) !== 1) throw new Error('ping reply without ok: 1');
}

function int32le(n) { const b = Buffer.alloc(4); b.writeInt32LE(n); return b; }

try {
  await (kind === 'kafka' ? kafka() : kind === 'mongo' ? mongo() : Promise.reject(new Error(`unknown kind ${kind}`)));
  process.exit(0);
} catch (e) {
  process.stderr.write(`${kind} ${addr} not ready: ${e.message}\n`);
  process.exit(1);
}
