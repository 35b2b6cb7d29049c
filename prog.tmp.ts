import { Kafka, logLevel } from 'kafkajs';
const admin = new Kafka({ brokers: ['127.0.0.1:19092'], clientId: 'prog', logLevel: logLevel.NOTHING }).admin();
await admin.connect();
const topics = (await admin.listTopics()).filter((t) => t.startsWith('bench-rs-') && t.endsWith('-full.countersign.heads'));
for (const t of topics) console.log(t, (await admin.fetchTopicOffsets(t)).reduce((s, p) => s + Number(p.high), 0));
const manual = (await admin.listTopics()).filter((t) => t.startsWith('e2e_manual_'));
if (manual.length) await admin.deleteTopics({ topics: manual });
await admin.disconnect();
