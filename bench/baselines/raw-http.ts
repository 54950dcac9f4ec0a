/** Baseline: the least a Node HTTP server can do, echoing one JSON input. The port comes as the first argument. */
import { createServer } from 'node:http';

import { benchPort } from './port.js';

createServer((req, res) => {
  const input = new URL(req.url ?? '/', 'http://x').searchParams.get('input') ?? '{}';
  const body = JSON.stringify({ result: { data: JSON.parse(input) as unknown } });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}).listen(benchPort(), '127.0.0.1');
