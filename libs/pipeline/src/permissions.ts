/**
 * Least privilege on the bus: what each actor may publish and subscribe to, as NATS server permissions.
 * `deploy/nats/himari.conf` is rendered from this table (`tools/deploy/render-nats.ts`; a test keeps it equal), and
 * the integration test runs the pipeline on a server started with it.
 *
 * JetStream is reached through its API subjects: an actor may read the stream's info and create it when missing
 * (never update, purge or delete it), create and read only its own durables, pull from them and ack them.
 */
import { Stage, Topic, busNames, type BusNames } from '@himari/contracts';

export interface ActorRights {
  /** Topics this actor consumes (one durable each). */
  consumes: readonly Topic[];
  /** Topics it publishes (its dead-letter subject is added for every actor). */
  publishes: readonly Topic[];
  /** Request-reply subjects it answers. */
  serves: (n: BusNames) => readonly string[];
  /** Request-reply subjects it asks. */
  requests: (n: BusNames) => readonly string[];
}

const none = (): readonly string[] => [];

/** Mirrors the actor definitions in ./actors (inputs, outputs, services, requests). */
export const ACTOR_RIGHTS: Record<Stage, ActorRights> = {
  [Stage.ingestor]: { consumes: [Topic.newsRaw], publishes: [Topic.newsAccepted], serves: none, requests: none },
  [Stage.eventClassifier]: {
    consumes: [Topic.newsAccepted],
    publishes: [Topic.newsClassified],
    serves: none,
    requests: (n) => [n.ragNovelty],
  },
  [Stage.finbertActor]: {
    consumes: [Topic.newsClassified],
    publishes: [Topic.newsScoredOpt, Topic.newsScoredCot],
    serves: none,
    requests: none,
  },
  [Stage.optActor]: {
    consumes: [Topic.newsScoredOpt],
    publishes: [Topic.signalDrafted],
    serves: none,
    requests: (n) => [n.ragSearch, n.ragGround],
  },
  [Stage.cotActor]: {
    consumes: [Topic.newsScoredCot, Topic.outcome],
    publishes: [Topic.signalDrafted],
    serves: none,
    requests: (n) => [n.ragSearch, n.ragGround],
  },
  [Stage.ragActor]: {
    consumes: [Topic.newsAccepted],
    publishes: [],
    serves: (n) => [n.ragSearch, n.ragGround, n.ragNovelty],
    requests: none,
  },
  [Stage.calibrator]: { consumes: [Topic.signalDrafted, Topic.outcome], publishes: [Topic.signalCalibrated], serves: none, requests: none },
  [Stage.cacheWriter]: { consumes: [Topic.signalCalibrated], publishes: [Topic.signalStored], serves: none, requests: none },
  [Stage.featureInjector]: { consumes: [], publishes: [], serves: (n) => [n.featuresRead], requests: none },
};

export interface NatsPermissions {
  publish: { allow: string[] };
  subscribe: { allow: string[] };
  /** Lets a service answer on its requesters' reply subjects without a standing right to publish there. */
  allow_responses?: boolean;
}

/** Clients that are not actors. */
export const CLIENT_ROLES = ['producer', 'outcomes', 'reader'] as const;
export type ClientRole = (typeof CLIENT_ROLES)[number];

const INBOX = '_INBOX.>';

function streamBasics(n: BusNames): string[] {
  return [...streamRead(n), `$JS.API.STREAM.CREATE.${n.stream}`];
}

function streamRead(n: BusNames): string[] {
  return ['$JS.API.INFO', `$JS.API.STREAM.INFO.${n.stream}`];
}

function durableRights(n: BusNames, durable: string): string[] {
  const s = n.stream;
  return [
    `$JS.API.CONSUMER.INFO.${s}.${durable}`,
    // nats-server 2.9 takes CONSUMER.CREATE.<stream>.<durable>[.<filter>]; older clients use DURABLE.CREATE.
    `$JS.API.CONSUMER.CREATE.${s}.${durable}`,
    `$JS.API.CONSUMER.CREATE.${s}.${durable}.>`,
    `$JS.API.CONSUMER.DURABLE.CREATE.${s}.${durable}`,
    `$JS.API.CONSUMER.MSG.NEXT.${s}.${durable}`,
    `$JS.ACK.${s}.${durable}.>`,
  ];
}

export function actorPermissions(stage: Stage, n: BusNames): NatsPermissions {
  const r = ACTOR_RIGHTS[stage];
  const publish = [
    ...streamBasics(n),
    ...r.consumes.flatMap((t) => durableRights(n, n.durable(stage, t))),
    ...r.publishes.map((t) => n.subject(t)),
    n.deadLetter(stage),
    ...r.requests(n),
  ];
  const subscribe = [INBOX, ...r.serves(n)];
  return { publish: { allow: publish }, subscribe: { allow: subscribe }, ...(r.serves(n).length ? { allow_responses: true } : {}) };
}

export function clientPermissions(role: ClientRole, n: BusNames): NatsPermissions {
  switch (role) {
    case 'producer':
      return { publish: { allow: [...streamRead(n), n.subject(Topic.newsRaw)] }, subscribe: { allow: [INBOX] } };
    case 'outcomes':
      return { publish: { allow: [...streamRead(n), n.subject(Topic.outcome)] }, subscribe: { allow: [INBOX] } };
    case 'reader':
      // Live views (himari tap) of signals and dead letters, and the features read; no publish right on the stream.
      return {
        publish: { allow: [...streamRead(n), n.featuresRead] },
        subscribe: { allow: [INBOX, n.subject(Topic.signalStored), n.deadLetterAll] },
      };
  }
}

export interface NatsUser {
  user: string;
  /** A literal, or `$NAME` for nats-server to read from its environment. */
  password: string;
  permissions?: NatsPermissions;
}

/** Every user of one deployment: one per actor, the client roles, and an `admin` with every right (operators, `himari run`). */
export function deploymentUsers(prefix: string, password: (user: string) => string): NatsUser[] {
  const n = busNames(prefix);
  return [
    ...Object.values(Stage).map((s) => ({ user: s, password: password(s), permissions: actorPermissions(s, n) })),
    ...CLIENT_ROLES.map((r) => ({ user: r, password: password(r), permissions: clientPermissions(r, n) })),
    { user: 'admin', password: password('admin') },
  ];
}

/**
 * A nats-server (2.9) configuration: one account with JetStream and the deployment's users. No `no_auth_user`:
 * a client without credentials is refused at connect.
 */
export function renderNatsServerConfig(o: {
  prefix: string;
  port: number;
  storeDir: string;
  password: (user: string) => string;
  extra?: string;
}): string {
  const users = deploymentUsers(o.prefix, o.password);
  const q = (s: string): string => JSON.stringify(s);
  const list = (xs: readonly string[]): string => `[${xs.map(q).join(', ')}]`;
  const userLines = users.map((u) => {
    const pw = u.password.startsWith('$') ? u.password : q(u.password);
    if (!u.permissions) return `      { user: ${q(u.user)}, password: ${pw} }`;
    const p = u.permissions;
    return [
      `      {`,
      `        user: ${q(u.user)}, password: ${pw}`,
      `        permissions: {`,
      `          publish: { allow: ${list(p.publish.allow)} }`,
      `          subscribe: { allow: ${list(p.subscribe.allow)} }`,
      ...(p.allow_responses ? [`          allow_responses: true`] : []),
      `        }`,
      `      }`,
    ].join('\n');
  });
  return [
    `# Rendered from libs/pipeline/src/permissions.ts (tools/deploy/render-nats.ts): edit the table, not this file.`,
    `port: ${o.port}`,
    `jetstream { store_dir: ${q(o.storeDir)} }`,
    ...(o.extra ? [o.extra] : []),
    `accounts {`,
    `  HIMARI {`,
    `    jetstream: enabled`,
    `    users: [`,
    userLines.join('\n'),
    `    ]`,
    `  }`,
    `}`,
    ``,
  ].join('\n');
}

/** Redis ACL users of one deployment, least privilege per role. */
export const REDIS_ROLES = ['cache-writer', 'ingestor', 'reader', 'regime-writer'] as const;
export type RedisRole = (typeof REDIS_ROLES)[number];

/**
 * ACL rules (Redis 7) without the password part. Every role may PING, read INFO (ioredis' ready check) and run the
 * store's Lua scripts (EVALSHA, EVAL on NOSCRIPT); what a script may touch is bounded by the key patterns, so a
 * reader's script that tried to write would be refused. `%R~` patterns are read-only.
 */
export function redisAclRules(role: RedisRole, keyPrefix = 'llm', busPrefix = 'himari'): string {
  // After the categories: `-@dangerous` would otherwise take INFO away again.
  const common = '+ping +info +hello +client|setname +client|info +select +evalsha +eval +script|load';
  const k = keyPrefix;
  const rule = (cmds: string, keys: string): string => `on resetkeys resetchannels -@all ${cmds} ${common} ${keys}`;
  switch (role) {
    case 'cache-writer':
      // The apply script stamps with the server's TIME and announces each write on `<prefix>:updates`.
      return rule('+@read +@write -@dangerous +time +publish', `~${k}:* &${k}:updates`);
    case 'ingestor':
      return rule('+get +set +expire', `~${k}:ingest:${busPrefix}:*`);
    case 'reader':
      // Not `%R~`: the store's snapshot runs by EVALSHA, whose keys Redis counts as writable. Commands inside a
      // script are checked against the user's rights too, so without write commands the reader still writes nothing.
      // SUBSCRIBE on `<prefix>:updates`: the feature injector's near cache.
      return rule('+@read -@dangerous +subscribe +unsubscribe', `~${k}:* &${k}:updates`);
    case 'regime-writer':
      return rule('+get +mget +set +del', `%R~${k}:* ~${k}:regime ~${k}:regime:*`);
  }
}

/** An ACL file: the default user off (no anonymous access), one user per role. */
export function renderRedisAcl(o: { keyPrefix?: string; busPrefix?: string; password: (role: RedisRole) => string }): string {
  // An ACL file takes no comments: deploy/redis/README.md explains it.
  const lines = ['user default off', ...REDIS_ROLES.map((r) => `user ${r} ${redisAclRules(r, o.keyPrefix, o.busPrefix)} ${o.password(r)}`)];
  return `${lines.join('\n')}\n`;
}
