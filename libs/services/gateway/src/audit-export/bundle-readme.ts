/** README.md of every evidence bundle: what each file is and how to check it, with or without our tools. */
export function bundleReadme(): string {
  return `# Countersign evidence bundle

This archive is evidence of approved, denied and executed actions, exported from a Countersign
system. You need not trust that system to check it: only the checkpoint public keys, which you
should pin from a source you trust (not only keys/jwks.json in this archive).

## Files

| file | what it is |
|---|---|
| manifest.json | what this bundle holds: filters, action ids, counts, and every other file with its SHA-256 and size. \`complete: true\` (an export without filters) means every stream of the log is here, so a missing one is a finding |
| events.ndjson | every event of each action in the bundle, one JSON envelope per line exactly as written to the log, grouped by action (\`streamId\`), each action in \`seq\` order from 1 |
| checkpoints.ndjson | every signed checkpoint (\`CheckpointSigned\` events), in number order |
| proofs.ndjson | per action covered by the latest checkpoint: its events up to the committed head and the Merkle audit path to the checkpoint's signed root |
| keys/jwks.json | the checkpoint public keys (a JWK Set; \`notBefore\`/\`notAfter\` is each key's validity) |
| policies/<version>/ | each policy version in force during the range (or named by an event): its YAML files and version.json (publications: who, when, approved by) |
| audit.csv | the audit trail's rows for the same filters, one per event, for reading |

## Verify with the Countersign CLI

    countersign audit verify bundle.tar.gz --keys pinned-jwks.json

It checks every file against the manifest, every event's hash and its link to the one before,
every checkpoint's signature (under a key valid at its time), the chain of checkpoints, that the
committed heads give each signed root, and that every committed event is here. It exits 0 on a
clean verdict and 1 naming each finding.

## Verify by hand

1. **Files.** \`cd countersign-evidence\` and compare \`sha256sum\` of each file with its
   entry in manifest.json, e.g.
   \`jq -r '.files[] | "\\(.sha256)  \\(.path)"' manifest.json | sha256sum -c\`.
2. **A checkpoint.** The \`data.checkpoint\` of a line of checkpoints.ndjson is a compact JWS
   (EdDSA, Ed25519, header \`typ: countersign-checkpoint+jws\` and the \`kid\` of its key). Verify
   it with any JWS library against the key of that \`kid\` in your pinned JWK Set, then check its
   payload's \`at\` lies in the key's [\`notBefore\`, \`notAfter\`). The payload's \`prev\` is the
   SHA-256 (hex) of the previous checkpoint's payload in RFC 8785 canonical JSON, \`number\` counts
   from 1 without gaps, \`root\` is the RFC 6962 Merkle root over every stream's head.
3. **A stream's chain.** For each event of a stream in seq order: \`prevHash\` is the previous
   event's \`hash\` (64 zeros for seq 1), and \`hash\` is SHA-256 (hex) of the UTF-8 bytes of
   \`prevHash\` followed by the RFC 8785 canonical JSON of the event without its \`hash\` member.
4. **An action against a checkpoint.** In proofs.ndjson, the last event of \`events\` is the
   action's head. Its leaf hash is SHA-256(0x00 ‖ canonical JSON of {"hash","seq","streamId"});
   hashing up \`path\` from \`leafIndex\` in a tree of \`treeSize\` leaves (RFC 9162 §2.1.3.2) must
   give the signed \`root\` of the proof's \`checkpoint\`.

A filtered bundle proves the actions it holds; only a complete one also proves none is missing.
`;
}
