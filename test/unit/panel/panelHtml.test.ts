import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exportBytes } from '../../../src/editor/training/exportBytes';
import { makeNonce, panelHtml } from '../../../src/editor/training/panelHtml';

describe('panelHtml', () => {
  const html = panelHtml({ cspSource: 'https://res.example', scriptUri: 'https://res.example/panel.js', styleUri: 'https://res.example/panel.css', title: 'a <b> & "c"' });
  const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';

  it('denies everything by default and allows scripts only with the page nonce', () => {
    assert.match(csp, /^default-src 'none'; /);
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce && nonce.length >= 22, csp);
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    assert.equal(scripts.length, 1);
    assert.ok(scripts.every((attrs) => attrs.includes(`nonce="${nonce}"`)));
    assert.doesNotMatch(csp, /unsafe-(inline|eval)/);
  });
  it('takes styles, fonts and images only from the webview resource origin', () => {
    assert.match(csp, /style-src https:\/\/res\.example(;|$)/);
    assert.match(csp, /font-src https:\/\/res\.example(;|$)/);
    assert.match(csp, /img-src https:\/\/res\.example data:(;|$)/);
  });
  it('escapes the title', () => assert.match(html, /<title>a &lt;b&gt; &amp; &quot;c&quot;<\/title>/));
  it('makes a different nonce each time', () => assert.notEqual(makeNonce(), makeNonce()));
});

describe('exportBytes', () => {
  it('writes CSV as UTF-8', () => assert.deepEqual([...(exportBytes('csv', 'λ\n') as Uint8Array)], [0xce, 0xbb, 0x0a]));
  it('decodes a PNG data URL', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2]);
    assert.deepEqual(Buffer.from(exportBytes('png', `data:image/png;base64,${png.toString('base64')}`) as Uint8Array), png);
  });
  it('refuses anything that is not a PNG', () => {
    assert.match(String(exportBytes('png', 'data:text/html;base64,PGI+')), /not a PNG data URL/);
    assert.match(String(exportBytes('png', `data:image/png;base64,${Buffer.from('<svg>').toString('base64')}`)), /not a PNG image/);
  });
});
