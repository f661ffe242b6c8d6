/**
 * A worker thread of the parallel reading (read-parallel.ts): reads and builds
 * the guests of each batch it is sent, with the very code the main thread uses
 * (readDomainFile), and posts them back with their spec parses.
 */
import { parentPort } from 'node:worker_threads';
import { readDomainFile } from './read-domains.js';
import { specReadingsOf } from '../readers/spec-reading.js';
import type { BatchRequest, BatchResult } from './read-parallel.js';

const port = parentPort;
if (!port) throw new Error('read-worker.js runs as a worker thread of xenlint, not on its own');
port.on('message', (req: BatchRequest) => {
  const results: BatchResult['results'] = req.files.map(({ file, opts }) => {
    const read = readDomainFile(file, opts, req.limits);
    return 'problem' in read ? read : { domain: read.domain, specs: specReadingsOf(read.domain) };
  });
  port.postMessage({ batch: req.batch, results } satisfies BatchResult);
});
