/**
 * A tiny authoritative DNS server on 127.0.0.1 (UDP) for resolver tests: answers A, AAAA and CNAME from an
 * in-memory zone, NXDOMAIN for unknown names, NOERROR with no answer for a known name without that type.
 * A name with a CNAME answers the CNAME to every query type (as a real server would, without chasing it).
 */
import { createSocket } from 'node:dgram';
import * as dnsPacket from 'dns-packet';

export interface FakeRecords {
  A?: string[];
  AAAA?: string[];
  CNAME?: string;
}

export interface FakeDns {
  /** "127.0.0.1:port", ready for DnsHostResolver's `servers`. */
  address: string;
  /** Every question received, as "TYPE name". */
  queries: string[];
  close(): Promise<void>;
  /** Replace (or with null, delete) a name's records, e.g. to simulate a hosting move or DNS rebinding. */
  set(name: string, records: FakeRecords | null): void;
}

const NXDOMAIN = 3;

export async function startFakeDns(zone: Record<string, FakeRecords>): Promise<FakeDns> {
  const records = new Map<string, FakeRecords>();
  const key = (n: string) => n.toLowerCase().replace(/\.$/, '');
  for (const [name, r] of Object.entries(zone)) records.set(key(name), r);
  const queries: string[] = [];
  const socket = createSocket('udp4');

  socket.on('message', (msg, rinfo) => {
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return; // not DNS: ignore, as a server would
    }
    const q = query.questions?.[0];
    if (!q) return;
    queries.push(`${q.type} ${key(q.name)}`);
    const r = records.get(key(q.name));
    const answers: dnsPacket.Answer[] = [];
    if (r?.CNAME) answers.push({ type: 'CNAME', name: q.name, ttl: 60, class: 'IN', data: r.CNAME });
    else if (r && (q.type === 'A' || q.type === 'AAAA')) {
      for (const ip of r[q.type] ?? []) answers.push({ type: q.type, name: q.name, ttl: 60, class: 'IN', data: ip });
    }
    const flags = dnsPacket.AUTHORITATIVE_ANSWER | ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED) | (r ? 0 : NXDOMAIN);
    const reply = dnsPacket.encode({ type: 'response', id: query.id ?? 0, flags, questions: [q], answers });
    socket.send(reply, rinfo.port, rinfo.address);
  });

  await new Promise<void>((res, rej) => {
    socket.once('error', rej);
    socket.bind(0, '127.0.0.1', () => res());
  });
  const { port } = socket.address();
  return {
    address: `127.0.0.1:${port}`,
    queries,
    set(name, r) {
      if (r) records.set(key(name), r);
      else records.delete(key(name));
    },
    close: () => new Promise<void>((res) => socket.close(() => res())),
  };
}
