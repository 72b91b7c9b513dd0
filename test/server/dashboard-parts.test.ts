/**
 * The dashboard's pieces on their own: the HTML template escapes every value
 * it is given (text and attributes), the health timeline is drawn from the
 * samples the server takes while it runs (gaps left empty), old samples are
 * pruned, and the login limit counts per address in a sliding minute.
 */
import { describe, expect, it } from 'vitest';
import { escapeHtml, html, raw } from '../../src/server/dashboard/html.js';
import { shares, spansOf, timelineSvg } from '../../src/server/dashboard/timeline.js';
import { safeNext } from '../../src/server/dashboard/session-routes.js';
import { LoginLimiter } from '../../src/server/login-limit.js';
import { SPEC, asBrowser, login, testServer } from './_app.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (min: number) => new Date(T0 + min * 60_000).toISOString();

describe('the HTML template', () => {
  it('escapes every interpolated value, in text and in attributes', () => {
    const evil = `<script>alert("x")</script>' onmouseover='y' \`z\` & more`;
    const out = html`<p title="${evil}">${evil}</p>`.text;
    expect(out).toBe(`<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;y&#39; &#96;z&#96; &amp; more">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;y&#39; &#96;z&#96; &amp; more</p>`);
    expect(out).not.toContain('<script>');
    expect(escapeHtml('a&amp;b')).toBe('a&amp;amp;b');
  });

  it('takes nested templates and lists of them as they are, and leaves out nothing-values', () => {
    const items = ['<a>', 'b'].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}</ul>${null}${undefined}${false}${0}${'<'}`.text).toBe('<ul><li>&lt;a&gt;</li><li>b</li></ul>0&lt;');
    expect(html`${raw('<svg></svg>')}`.text).toBe('<svg></svg>');
    // A plain string that looks like HTML is still text.
    expect(html`${'<b>bold</b>'}`.text).toBe('&lt;b&gt;bold&lt;/b&gt;');
  });

  it('sends a login only to a path of this server', () => {
    expect(safeNext('/stacks/prod?hours=1')).toBe('/stacks/prod?hours=1');
    for (const bad of ['//evil', '/\\evil', 'https://x', 'stacks', '/login?next=/x', '/a b', undefined, 3]) expect(safeNext(bad)).toBe('/stacks');
  });
});

describe('the health timeline', () => {
  const sample = (min: number, state: string, ready = 1, active = 2) => ({ stack: 'prod', at: at(min), state, ready, active });

  it('makes spans of samples, each until the next but never longer than two periods', () => {
    const spans = spansOf([sample(0, 'running', 2), sample(1, 'degraded'), sample(2, 'running', 2), sample(10, 'stopped', 0)], { since: T0, until: T0 + 11 * 60_000, everyMs: 60_000 });
    expect(spans.map((s) => [(s.from - T0) / 60_000, (s.to - T0) / 60_000, s.state])).toEqual([[0, 1, 'running'], [1, 2, 'degraded'], [2, 4, 'running'], [10, 11, 'stopped']]);
    expect(shares(spans)).toEqual([['running', 0.6], ['degraded', 0.2], ['stopped', 0.2]]);
    expect(spansOf([sample(-5, 'running')], { since: T0, until: T0 + 60_000, everyMs: 60_000 })).toEqual([]);
    const equal = spansOf([sample(0, 'running'), sample(1, 'running'), sample(2, 'running', 2)], { since: T0, until: T0 + 3 * 60_000, everyMs: 60_000 });
    expect(equal.map((s) => [(s.from - T0) / 60_000, (s.to - T0) / 60_000, s.ready])).toEqual([[0, 2, 1], [2, 3, 2]]);
  });

  it('draws an SVG picture that says in words what it shows, with the stack name escaped', () => {
    const spans = spansOf([sample(0, 'running', 2), sample(30, 'degraded')], { since: T0, until: T0 + 60 * 60_000, everyMs: 30 * 60_000 });
    const svg = timelineSvg('p<rod', spans, { since: T0, until: T0 + 60 * 60_000 }).text;
    expect(svg).toMatch(/^<svg class="timeline" viewBox="0 0 720 128" role="img" aria-labelledby="timeline-title timeline-desc">/);
    expect(svg).toContain('<title id="timeline-title">Health of stack p&lt;rod, last 1 h (UTC)</title>');
    expect(svg).toContain('<desc id="timeline-desc">Share of sampled time: running 50%, degraded 50%.');
    expect(svg).toContain('<rect class="state state-running" x="0.0" y="8" width="360.0" height="28"><title>00:00-00:30 UTC: running, 2/2 ready</title></rect>');
    expect(svg).toContain('<path class="ready-line" d="M0.0,48.0 L360.0,48.0 L360.0,76.0 L720.0,76.0">');
    // Where there are no samples, the line breaks.
    const gap = spansOf([sample(0, 'running', 2), sample(40, 'running', 2)], { since: T0, until: T0 + 60 * 60_000, everyMs: 10 * 60_000 });
    expect(timelineSvg('prod', gap, { since: T0, until: T0 + 60 * 60_000 }).text).toContain('d="M0.0,48.0 L240.0,48.0 M480.0,48.0 L720.0,48.0"');
    expect(svg).toContain('>00:15</text>');
    expect(timelineSvg('prod', [], { since: T0, until: T0 + 3600_000 }).text).toContain('no samples yet');
  });

  it('is drawn on the stack page from what the server sampled, and old samples are pruned', async () => {
    let now = T0;
    const s = await testServer({ now: () => now });
    await s.call('POST', '/api/v1/stacks/prod', { payload: { spec: SPEC } });
    await s.ctx.sampler.sample();
    s.engine.add('prod', 'redis', { health: 'healthy' });
    now += 60_000;
    await s.ctx.sampler.sample();
    expect(await s.ctx.samples.of('prod', at(0))).toEqual([
      { stack: 'prod', at: at(0), state: 'stopped', ready: 0, active: 3 },
      { stack: 'prod', at: at(1), state: 'degraded', ready: 1, active: 3 },
    ]);
    now += 2 * 60_000;
    const page = (await asBrowser(s, (await login(s)).cookie)('GET', '/stacks/prod?hours=1')).body;
    expect(page).toContain('<h2 id="timeline-heading">Health, last 1 hour</h2>');
    expect(page).toContain('<rect class="state state-stopped"');
    expect(page).toContain('<rect class="state state-degraded"');
    expect(page).toMatch(/<li><span class="swatch state-degraded" aria-hidden="true"><\/span>degraded: 67% of the sampled time<\/li>/);
    // A day later, the first samples are gone.
    now = T0 + 24 * 3600_000 + 30_000;
    await s.ctx.sampler.sample();
    expect((await s.ctx.samples.of('prod', at(0))).map((x) => x.at)).toEqual([at(1), new Date(now).toISOString()]);
  });

  it('records nothing while the engine does not answer', async () => {
    const s = await testServer();
    await s.call('POST', '/api/v1/stacks/prod', { payload: { spec: SPEC } });
    s.engine.listContainers = async () => {
      const { BerthError } = await import('../../src/errors.js');
      throw new BerthError('cannot reach the Docker engine', { code: 'engine_unreachable' });
    };
    await s.ctx.sampler.sample();
    expect(await s.ctx.samples.of('prod', at(0))).toEqual([]);
  });
});

describe('the login limit', () => {
  it('holds an address back after 5 failures in a minute, until the oldest leaves the window', () => {
    let now = 0;
    const l = new LoginLimiter({ now: () => now });
    for (let i = 0; i < 4; i++) l.failed('a');
    expect(l.retryAfter('a')).toBe(0);
    now = 10_000;
    l.failed('a');
    expect(l.retryAfter('a')).toBe(50);
    expect(l.retryAfter('b')).toBe(0);
    now = 60_001;
    expect(l.retryAfter('a')).toBe(0);
  });
});
