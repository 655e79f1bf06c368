/** An event as the domain raises it: a type name and plain, JSON-serialisable data. */
export type Event<
  Type extends string = string,
  Data extends Record<string, unknown> = Record<string, unknown>,
> = {
  type: Type;
  data: Data;
};

/** Facts about why and by whom an event was written, stored beside it (never used to fold state). */
export type EventMetadata = Record<string, unknown>;

/** An event to append, with optional metadata. */
export type NewEvent<E extends Event = Event> = E & { metadata?: EventMetadata };

/** An event as the store recorded it. */
export type RecordedEvent<E extends Event = Event> = E & {
  streamId: string;
  /** The kind of stream (the aggregate type, e.g. `todo`); every event of a stream has the same. */
  streamType: string;
  /** 1-based position of the event in its stream; the stream's version after this event. */
  sequence: number;
  eventId: string;
  metadata: EventMetadata;
  recordedAt: Date;
};
