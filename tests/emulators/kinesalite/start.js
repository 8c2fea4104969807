// Starts kinesalite on 127.0.0.1 only (its command line binds every interface), in memory, on the port given as the
// first argument, and prints one line starting "READY <port>" for the test kit (tests/Shared/NodeEmulator.cs).
'use strict'

const kinesalite = require('kinesalite')

const port = Number.parseInt(process.argv[2], 10)
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`usage: node start.js PORT (got '${process.argv[2]}')`)
  process.exit(2)
}

// Streams become ACTIVE at once, so tests do not wait out kinesalite's default 500 ms CREATING state.
const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 })
server.on('error', (err) => {
  console.error(`kinesalite failed: ${err && err.stack ? err.stack : err}`)
  process.exit(1)
})
server.listen(port, '127.0.0.1', () => {
  console.log(`READY ${port} kinesalite on http://127.0.0.1:${port}`)
})

// The test process keeps stdin open; when it exits (even by a crash) stdin ends and the emulator goes with it.
process.stdin.on('end', () => process.exit(0))
process.stdin.on('error', () => process.exit(0))
process.stdin.resume()
