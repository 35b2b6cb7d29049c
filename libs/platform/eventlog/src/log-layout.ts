/** Names in a file log directory: topic and group names are Kafka's legal topic characters, which are also safe as file names. */
import { ACK_SUFFIX } from './acknowledged-file.ts';

export const NAME = /^[A-Za-z0-9._-]{1,200}$/;

/** The topics among the files of `topics/`: a `.log` file or an acknowledged length (`.ack`) names one. */
export function topicNames(files: readonly string[]): string[] {
  const names = new Set<string>();
  for (const file of files) {
    const m = /^(.*)(\.log|\.ack)$/.exec(file);
    if (m && NAME.test(m[1]) && (m[2] === '.log' || m[2] === ACK_SUFFIX)) names.add(m[1]);
  }
  return [...names].sort();
}
