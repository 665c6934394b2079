// Dependency-free static file server for the built app (dist/), used by the e2e tests, the
// benchmark and by hand. Sends a file's precompressed `.gz` twin when the client accepts gzip.
//
//   node tests/e2e/serve.mjs DIR [PORT]     (PORT 0 or absent: pick a free one)
//   import { serve } from './serve.mjs'; const { url, close } = await serve(dir, 0);
//   serve(dir, 0, { tls: { cert, key } })   over https (PEM text), for the specs of https pages
import http from 'node:http';
import https from 'node:https';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// Browsers refuse WebAssembly.instantiateStreaming and module scripts unless the type is exact.
const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

export function serve(dir, port = 0, { tls } = {}) {
  const root = path.resolve(dir);
  const handler = (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = path.join(root, rel);
    // path.join normalises "..", so anything outside root is a traversal attempt.
    if (file !== root && !file.startsWith(root + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    fs.stat(file, (err, st) => {
      if (!err && st.isDirectory()) {
        file = path.join(file, 'index.html');
        st = fs.existsSync(file) ? fs.statSync(file) : null;
      }
      if (err || !st || !st.isFile()) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
        return;
      }
      const headers = {
        'content-type': MIME[path.extname(file).toLowerCase()] || 'application/octet-stream',
        'content-length': st.size,
        // Tests rebuild dist/ between runs; a cached old wasm would test stale code.
        'cache-control': 'no-store',
      };
      // Like nginx's gzip_static: a release build's precompressed twin, to clients that take gzip.
      const twin = gzipTwin(file, req.headers['accept-encoding']);
      if (twin) {
        headers['content-encoding'] = 'gzip';
        headers['content-length'] = twin.size;
        headers.vary = 'accept-encoding';
      }
      res.writeHead(200, headers);
      if (req.method === 'HEAD') res.end();
      else fs.createReadStream(twin ? `${file}.gz` : file).pipe(res);
    });
  };
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  // Browsers keep connections alive; without this, close() would wait for them to idle out.
  const close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(port) || 0, '127.0.0.1', () => {
      server.off('error', reject);
      // https: by name, which the test certificates carry and the app then sees as its host.
      const url = tls ? `https://localhost:${server.address().port}` : `http://127.0.0.1:${server.address().port}`;
      resolve({ url, close, server });
    });
  });
}

/** The stat of `file.gz` when the request accepts gzip and the twin is there, else null. */
function gzipTwin(file, acceptEncoding = '') {
  if (!/\bgzip\b/.test(acceptEncoding)) return null;
  try {
    const st = fs.statSync(`${file}.gz`);
    return st.isFile() ? st : null;
  } catch {
    return null;
  }
}

// Node reports the main module by its real path, so compare against the resolved argv[1].
const invokedAs = process.argv[1] && fs.existsSync(process.argv[1]) ? fs.realpathSync(process.argv[1]) : '';
if (invokedAs && import.meta.url === pathToFileURL(invokedAs).href) {
  const [dir, port = '0'] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: node serve.mjs DIR [PORT]');
    process.exit(2);
  }
  const { url, close } = await serve(dir, port);
  console.log(`listening on ${url}`);
  const stop = () => close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
