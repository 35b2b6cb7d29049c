import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';

/** The namespace's topics that exist now (names without the `<namespace>.` prefix). */
export async function namespaceTopics(brokers: string[], namespace: string): Promise<string[]> {
  const admin = new Kafka({ clientId: 'bench-admin', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).filter((t) => t.startsWith(`${namespace}.`)).map((t) => t.slice(namespace.length + 1));
  } finally {
    await admin.disconnect();
  }
}

/**
 * Deletes what a bench namespace left on the shared infrastructure: its topics, its consumer
 * groups (the services' and the bench's own, all prefixed) and, when given, its database.
 * Best effort: a failure here is reported, never thrown over the result of the run.
 */
export async function deleteNamespace(brokers: string[], namespace: string, mongoUrl?: string): Promise<void> {
  const admin = new Kafka({ clientId: 'bench-admin', brokers, logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${namespace}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(`${namespace}.`));
    if (groups.length > 0) await admin.deleteGroups(groups);
  } catch (error) {
    console.error(`   (cleanup of Kafka namespace ${namespace} incomplete: ${(error as Error).message})`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  if (!mongoUrl) return;
  const db = await mongoose.createConnection(mongoUrl, { dbName: namespace, serverSelectionTimeoutMS: 5000 }).asPromise().catch(() => undefined);
  if (!db) return console.error(`   (cleanup: could not reach ${mongoUrl} to drop database ${namespace})`);
  await db.dropDatabase().catch((error: Error) => console.error(`   (cleanup: dropping database ${namespace} failed: ${error.message})`));
  await db.close();
}
