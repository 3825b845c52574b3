/** Where a message runs among its partition's work. */
export interface Placement {
  /** Messages of one group share its `limit` of handlers running at once (the sender: one webhook's endpoint). */
  group: string;
  /** Messages of one lane in a group run one at a time, in arrival order (an ordering key); null: a lane of its own. */
  lane: string | null;
  /** Handlers of the group running at once, at most (the newest placement's limit applies). */
  limit: number;
}

interface Waiting<T> {
  seq: number;
  item: T;
}

/** A FIFO with constant-time take from the front. */
class Queue<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head === this.items.length) return undefined;
    const item = this.items[this.head++];
    // Compact once the taken front is most of the array: the copy is paid for by the items it frees.
    if (this.head > 64 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

/** Ready messages, oldest (lowest arrival number) first: a binary heap. */
class ReadyHeap<T> {
  private readonly heap: Waiting<T>[] = [];

  get length(): number {
    return this.heap.length;
  }

  push(entry: Waiting<T>): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent].seq <= entry.seq) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = entry;
  }

  pop(): Waiting<T> | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const child = left + 1 < heap.length && heap[left + 1].seq < heap[left].seq ? left + 1 : left;
      if (heap[child].seq >= last.seq) break;
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = last;
    return top;
  }
}

class Group<T> {
  running = 0;
  /** Messages that may start once the group has room: the head of each busy lane, and lane-less messages. */
  readonly ready = new ReadyHeap<T>();
  /** Per busy lane, the messages behind its head (the head is ready or running). */
  readonly lanes = new Map<string, Queue<Waiting<T>>>();
  /** Running, ready and queued behind a lane. */
  size = 0;

  constructor(
    public limit: number,
    /** When one of its messages last finished (or the group began): how long it has gone without progress. */
    public finishedAt: number,
  ) {}
}

/**
 * Which of a partition's messages may run now. Within a group at most `limit` run at once; within a lane one at a
 * time, in the order they were added; otherwise the oldest ready message starts first. Adding and finishing cost
 * O(log n) in the messages waiting in the group (a heap of the ready ones), never a scan.
 */
export class Lanes<T> {
  private readonly groups = new Map<string, Group<T>>();
  private seq = 0;

  /** Messages of `group` running, ready or queued: what a bound on one group's waiting work counts. */
  size(group: string): number {
    return this.groups.get(group)?.size ?? 0;
  }

  /** Groups with messages running, ready or queued. */
  get groupCount(): number {
    return this.groups.size;
  }

  /** How long `group` has gone without finishing a message (0 when it has none). */
  idleFor(group: string, now: number): number {
    const found = this.groups.get(group);
    return found ? now - found.finishedAt : 0;
  }

  /** Adds a message; returns the messages that start now (it, or none). */
  add(item: T, placement: Placement, now = Date.now()): T[] {
    let group = this.groups.get(placement.group);
    if (!group) this.groups.set(placement.group, (group = new Group(placement.limit, now)));
    group.limit = Math.max(1, placement.limit);
    group.size++;
    const waiting = { seq: this.seq++, item };
    const { lane } = placement;
    const behind = lane === null ? undefined : group.lanes.get(lane);
    if (behind) behind.push(waiting);
    else {
      if (lane !== null) group.lanes.set(lane, new Queue());
      group.ready.push(waiting);
    }
    return this.startable(group);
  }

  /** A started message finished; returns the messages that start now in its place. */
  finish(placement: Pick<Placement, 'group' | 'lane'>, now = Date.now()): T[] {
    const group = this.groups.get(placement.group);
    if (!group) return [];
    group.running--;
    group.size--;
    group.finishedAt = now;
    if (placement.lane !== null) {
      const behind = group.lanes.get(placement.lane);
      const next = behind?.shift();
      if (next) group.ready.push(next);
      else group.lanes.delete(placement.lane);
    }
    if (group.size === 0) {
      this.groups.delete(placement.group);
      return [];
    }
    return this.startable(group);
  }

  private startable(group: Group<T>): T[] {
    const started: T[] = [];
    while (group.running < group.limit && group.ready.length > 0) {
      group.running++;
      started.push(group.ready.pop()!.item);
    }
    return started;
  }
}
