// Preloaded into the reference MCP server, which listens on every interface: its listen(port)
// becomes listen(port, '127.0.0.1'), so nothing a test starts is reachable from outside.
import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const [port, host] = args;
  const numeric = typeof port === 'number' || (typeof port === 'string' && /^\d+$/.test(port));
  if (numeric && typeof host !== 'string')
    return listen.call(this, Number(port), '127.0.0.1', ...args.slice(1));
  return listen.apply(this, args);
};
