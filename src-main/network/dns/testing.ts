// DNS packets for tests.

/** A standard query for `name` of `type`, as a stub resolver sends it (RD set). */
export function query(name: string, type: number, id = 0x1234): Buffer {
  const labels = name.split('.').flatMap((l) => [l.length, ...Buffer.from(l)])
  return Buffer.from([id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, ...labels, 0, type >> 8, type & 0xff, 0, 1])
}
