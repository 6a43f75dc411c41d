// The baseline for engine benchmarks: a bare `ws` server in its own process (as the engine is) that echoes
// frames, answers {"id","method":"read","path"} with the file's text in the engine's answer shape, or answers
// {"method":"events","count","text","perTurn"?} with `count` frames {"text"}, each event its own JSON frame, all at
// once or one per event-loop turn (stream_throughput).
import { readFile } from 'node:fs/promises';
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
wss.on('listening', () => process.stdout.write(`${wss.address().port}\n`));
wss.on('connection', (socket) =>
  socket.on('message', async (data, isBinary) => {
    const text = data.toString();
    if (text.includes('"events"')) {
      const { count, text: token, perTurn } = JSON.parse(text);
      if (!perTurn) for (let i = 0; i < count; i++) socket.send(JSON.stringify({ text: token }));
      else
        for (let i = 0; i < count; i++, await new Promise(setImmediate)) socket.send(JSON.stringify({ text: token }));
      return;
    }
    if (!text.includes('"read"')) return socket.send(data, { binary: isBinary });
    const { id, path } = JSON.parse(text);
    const content = await readFile(path, 'utf8');
    socket.send(JSON.stringify({ id, result: { path, content } }));
  }),
);
