// Starts s3rver on 127.0.0.1 for the S3 sink's tests: node start.js <port> [directory].
// Prints one line "READY <port>" when it listens; exits when stdin closes (the test process ended) or on SIGTERM.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const S3rver = require('s3rver');

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error('usage: node start.js <port> [directory]');
  process.exit(2);
}

const directory = process.argv[3] || fs.mkdtempSync(path.join(os.tmpdir(), 's3rver-'));
const server = new S3rver({ address: '127.0.0.1', port, silent: true, directory });

server.run().then(
  () => console.log(`READY ${port}`),
  (error) => {
    console.error(`s3rver failed to start: ${error && error.stack ? error.stack : error}`);
    process.exit(1);
  });

const stop = () => server.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The parent may die without signalling us: stdin closing is the reliable cue to go.
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
