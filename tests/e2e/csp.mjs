// The page's Content-Security-Policy allows inline scripts by hash only (index.html's two
// start-up scripts, Trunk's module loader, `trunk serve`'s reload script), and those texts
// change with every build (the loader names hashed files), so the hashes are added to the
// policy's script-src after each build by the Trunk hook (release.mjs), debug or release.
import { createHash } from 'node:crypto';

const META = /<meta\b[^>]*http-equiv=["']?Content-Security-Policy["']?[^>]*>/i;

/** The hash sources ('sha256-…') of every inline script (a <script> without src) in html. */
export function inlineScriptHashes(html) {
  const hashes = [];
  for (const [, attrs, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    if (/\bsrc\s*=/i.test(attrs)) continue;
    hashes.push(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
  }
  return [...new Set(hashes)];
}

/** The policy in html's CSP meta tag, as the browser reads it (entities decoded); null without one. */
export function policyOf(html) {
  const tag = html.match(META)?.[0];
  if (!tag) return null;
  const m = tag.match(/\bcontent=(?:"([^"]*)"|'([^']*)')/i);
  return m ? decode(m[1] ?? m[2]) : null;
}

/**
 * html with its CSP meta's script-src listing exactly the hashes of its inline scripts (older
 * hashes dropped, so running twice changes nothing). Throws when there is no such meta or it
 * comes after a script (a meta policy covers only what follows it), so a build cannot ship
 * without its policy.
 */
export function withScriptHashes(html) {
  const m = html.match(META);
  if (!m) throw new Error('index.html has no Content-Security-Policy meta tag');
  const firstScript = html.search(/<script\b/i);
  if (firstScript >= 0 && firstScript < m.index) throw new Error('the Content-Security-Policy meta must come before every script');
  const policy = policyOf(html);
  if (!policy || !/(^|;)\s*script-src\s/.test(policy)) throw new Error('the Content-Security-Policy has no script-src');
  const hashes = inlineScriptHashes(html);
  const updated = policy
    .split(';')
    .map((d) => {
      const words = d.trim().split(/\s+/);
      if (words[0] !== 'script-src') return d.trim();
      return [...words.filter((w) => !/^'sha(256|384|512)-/.test(w)), ...hashes].join(' ');
    })
    .join('; ');
  const tag = `<meta http-equiv="Content-Security-Policy" content="${updated.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}">`;
  return html.slice(0, m.index) + tag + html.slice(m.index + m[0].length);
}

function decode(s) {
  return s.replace(/&(#x[0-9a-f]+|#\d+|quot|apos|amp|lt|gt);/gi, (e, n) => {
    const named = { quot: '"', apos: "'", amp: '&', lt: '<', gt: '>' }[n.toLowerCase()];
    if (named) return named;
    return String.fromCodePoint(n[1].toLowerCase() === 'x' ? parseInt(n.slice(2), 16) : parseInt(n.slice(1), 10));
  });
}
