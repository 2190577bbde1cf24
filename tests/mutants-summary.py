# Per-file figures from cargo-mutants outcomes.json files: caught / missed / timeout / unviable,
# and the share of viable mutants caught (timeouts count as caught). Used by `make mutants`.
import json, sys, collections
counts = collections.defaultdict(collections.Counter)
for path in sys.argv[1:]:
    d = json.load(open(path))
    for o in d['outcomes']:
        m = o['scenario'].get('Mutant') if isinstance(o['scenario'], dict) else None
        if not m:
            continue
        counts[m['file']][o['summary']] += 1
tot = collections.Counter()
for f in sorted(counts):
    c = counts[f]; tot += c
    viable = c['CaughtMutant'] + c['MissedMutant'] + c['Timeout']
    pct = 100.0 * (c['CaughtMutant'] + c['Timeout']) / viable if viable else 100.0
    print(f"{f.split('src/')[1]:28} {sum(c.values()):4} mutants: {c['CaughtMutant']:4} caught, {c['MissedMutant']:3} missed, {c['Timeout']:2} timeout, {c['Unviable']:3} unviable = {pct:5.1f}%")
viable = tot['CaughtMutant'] + tot['MissedMutant'] + tot['Timeout']
print(f"{'total':28} {sum(tot.values()):4} mutants: {tot['CaughtMutant']:4} caught, {tot['MissedMutant']:3} missed, {tot['Timeout']:2} timeout, {tot['Unviable']:3} unviable = {100.0*(tot['CaughtMutant']+tot['Timeout'])/viable:5.1f}%")
# The verdict does not rest on cargo-mutants' exit code (3, "timeouts", also comes back when
# mutants were missed as well): any missed mutant fails `make mutants`.
sys.exit(1 if tot['MissedMutant'] else 0)
