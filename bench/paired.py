"""Paired rounds, shared by the bench scripts.

This disk and this network swing by 2-4x within minutes, so every limit is
measured right before the run it is compared with, in each of N rounds. The
ratio a script reports is the median of those N paired ratios, printed with
their range; the figures beside it are medians over the rounds.
"""
import statistics

med = statistics.median


def limit(rnd, ref, unit):
    """A limit: a fixed number, or the unit field of a round's result named ref."""
    return float(ref) if isinstance(ref, (int, float)) else rnd[ref][unit]


def table(rounds, rows):
    """rows: (name, key of ours, unit field, limit's name, limit (key or number), target).
    Returns, a row each: (name, ours, unit, limit's name, limit, ratios, target)."""
    out = []
    for name, key, unit, ref_name, ref, target in rows:
        out.append((name, med([r[key][unit] for r in rounds]), unit, ref_name,
                    med([limit(r, ref, unit) for r in rounds]),
                    [r[key][unit] / limit(r, ref, unit) for r in rounds], target))
    return out


def ratios_json(named):
    """named: {name: [paired ratios]} -> the "ratios" (medians) and "ratio_range" fields."""
    return {"ratios": {k: round(med(v), 3) for k, v in named.items()},
            "ratio_range": {k: [round(min(v), 3), round(max(v), 3)] for k, v in named.items()}}


def table_json(tab):
    return ratios_json({t[0]: t[5] for t in tab})


def ratio_cells(ratios):
    """The ratio and range columns of a printed row."""
    return "%7.2f %-11s" % (med(ratios), "%.2f-%.2f" % (min(ratios), max(ratios)))


def print_table(title, tab, ref_width=24):
    fmt = "%-30s %12s %-6s  %-" + str(ref_width) + "s %12s %7s %-11s %7s"
    print(fmt % (title, "ours", "", "limit", "limit", "ratio", "range", "target"))
    for name, v, unit, ref_name, ref, ratios, target in tab:
        print(("%-30s %12.0f %-6s  %-" + str(ref_width) + "s %12.0f %s %7s") % (
            name, v, "ops/s" if unit == "iops" else "MiB/s", ref_name, ref, ratio_cells(ratios),
            "-" if target is None else "%.2f" % target))
