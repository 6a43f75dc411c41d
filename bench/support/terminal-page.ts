// The baseline page of terminal_throughput: a bare xterm.js (same version and renderer as the product's) fed by a
// bare WebSocket, writing each message as it arrives; the flood's clock starts when the socket opens.
import { Terminal } from '@xterm/xterm';

const container = document.createElement('div');
container.style.cssText = 'width:1000px;height:400px';
document.body.append(container);
const term = new Terminal({ cols: 120, rows: 24, scrollback: 5000 });
term.open(container);
const socket = new WebSocket(`ws://${location.host}/flood`);
socket.binaryType = 'arraybuffer';
socket.onopen = () => {
  (window as unknown as { floodStarted: number }).floodStarted = performance.now();
};
const decoder = new TextDecoder();
socket.onmessage = (event) =>
  term.write(typeof event.data === 'string' ? event.data : decoder.decode(event.data, { stream: true }));
(window as unknown as { baselineReady: boolean }).baselineReady = true;
