# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""plot-results' figure for ringbridge-bench-clocks: each drift's fill
deviation from play's target and the ratio it resampled at, over time
(bench/jack/ringbridge-bench-clocks.py writes the series from play's
statistics lines). Kept apart from plot-results, which imports it, so that
file stays one concern a figure family."""


def parse_clocks(root, parse_run):
    opts = root.key('options')
    ppms = [p for p in opts.key('ppm').numbers()]
    run = parse_run(root, 'ringbridge-bench-clocks', [
        f"{opts.key('minutes').number():g} min after "
        f"{opts.key('settle').number():g} s of lock-in at "
        + ', '.join(f'{p:+g}' for p in ppms) + ' ppm, '
        f"period {opts.key('period').integer()}, "
        f"target {opts.key('latency_ms').number():g} ms"])
    series = []
    for r in root.key('peers').items(nonempty=False):
        if not r.has('series'):
            continue
        pts = []
        for p in r.key('series').items(nonempty=False):
            t, dev, ratio = (x for x in p.items())
            pts.append((t.number(), dev.number(),
                        ratio.number(nullable=True)))
        series.append({'peer': r.key('peer').string(),
                       'ppm': r.key('ppm').number(), 'points': pts})
    return {'run': run, 'series': series,
            'period': opts.key('period').integer()}


def plot_clocks(plt, new_figure, save, data, outdir, fmt, name):
    fig, axes = new_figure(10, 6.2, nrows=2, sharex=True)
    styles = {'ringbridge': '-', 'ringbridge-off': ':'}
    for i, s in enumerate(sorted(data['series'],
                                 key=lambda s: (s['peer'], -s['ppm']))):
        label = f"{s['peer']} {s['ppm']:+g} ppm"
        t = [p[0] for p in s['points']]
        axes[0].plot(t, [p[1] for p in s['points']], label=label,
                     color=f'C{i}', linestyle=styles.get(s['peer'], '--'),
                     linewidth=1)
        ratio = [(p[0], p[2]) for p in s['points'] if p[2] is not None]
        if s['peer'] == 'ringbridge' and ratio:
            axes[1].plot([p[0] for p in ratio], [p[1] for p in ratio],
                         label=label, color=f'C{i}', linewidth=1)
    period = data['period']
    for y in (period, -period):
        axes[0].axhline(y, color='0.5', linestyle='--', linewidth=0.8,
                        label=f'± one period ({period} frames)'
                        if y > 0 else None)
    axes[0].set_ylabel('smoothed fill - target (frames)')
    axes[0].set_title(f'fill around the target (dashed: one period, '
                      f'{period} frames)')
    axes[0].grid(True, alpha=0.3)
    axes[0].legend(loc='upper right', fontsize=7)
    axes[1].set_ylabel('resampling ratio (ppm)')
    axes[1].set_xlabel('seconds since start')
    axes[1].set_title('the ratio play --resample=on converts at')
    axes[1].grid(True, alpha=0.3)
    if axes[1].lines:
        axes[1].legend(loc='upper right', fontsize=7)
    return save(fig, data['run'], name, outdir, fmt,
                'Two clock domains: ringbridge-jack play holding its fill')
