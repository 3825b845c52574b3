import type { Admin } from 'kafkajs';

export interface TopicLag {
  topic: string;
  lag: number;
}

/**
 * Messages a consumer group has yet to process, per topic: the partitions' high watermarks
 * minus the group's committed offsets. A partition the group never committed counts from its
 * low watermark, since the group reads from the beginning.
 */
export async function consumerLag(admin: Admin, groupId: string, topics: readonly string[]): Promise<TopicLag[]> {
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  return Promise.all(
    committed.map(async ({ topic, partitions }) => {
      const watermarks = await admin.fetchTopicOffsets(topic);
      const offsetOf = new Map(partitions.map((p) => [p.partition, Number(p.offset)]));
      let lag = 0;
      for (const { partition, high, low } of watermarks) {
        const offset = offsetOf.get(partition) ?? -1;
        lag += Math.max(0, Number(high) - (offset >= 0 ? offset : Number(low)));
      }
      return { topic, lag };
    }),
  );
}

export interface GroupLag extends TopicLag {
  group: string;
}

/**
 * The lag of every consumer group whose id starts with `prefix` (Herald's groups), on each topic it has
 * committed to. Every service reports all of them, so a group whose replicas are all down still shows its
 * growing lag instead of vanishing from the dashboard with them. `except` leaves out a group the caller reads itself.
 */
export async function groupsLag(admin: Admin, prefix: string, except?: string): Promise<GroupLag[]> {
  const { groups } = await admin.listGroups();
  const herald = groups.map((g) => g.groupId).filter((id) => id.startsWith(prefix) && id !== except);
  const perGroup = await Promise.all(
    herald.map(async (group) => {
      const topics = (await admin.fetchOffsets({ groupId: group })).map((t) => t.topic);
      return topics.length === 0 ? [] : (await consumerLag(admin, group, topics)).map((lag) => ({ group, ...lag }));
    }),
  );
  return perGroup.flat();
}
