"""The static pass: source texts -> findings, the jitted functions and, when asked, the trees.

One engine behind one call, `static_pass`, used by every mode (static-only, static plus the
trial compile, the language server, the HTML report):

- `engine.py`: the call; chooses the workers and says what the run keeps.
- `stages.py`: the staged algorithm (parse and index, the project's decorator aliases, facts,
  rules), the same on every worker count.
- `indexing.py`: text -> `IndexedModule` (parse, jit index, bindings), the one way a module is
  indexed; `explain` and the editor's hover index their one module with it too.
- `share.py`: one worker's modules and the commands the stages send it; `asked.py`: the
  questions a worker's early rules asked, to keep their findings only if the answers hold.
- `dropped.py`: what a worker keeps of a module whose tree it dropped once the module's rules
  ran (projects whose candidate files pass 6 MB), to parse it again only if a later stage
  needs the tree.
- `pool.py`: forked worker processes, or one share in this process (the pool of one).
- `prefilter.py`: which files can hold jitted code (the others are never parsed by libcst).
- `syntax_only.py`: a run where no file can: its syntax errors, without the engine, libcst or
  a rule (the pipeline asks it first); the one NB001 of a `SyntaxProblem`.
- `blanking.py`, `reduced_parse.py`, `chunked_parse.py`: the faster parse of static-only
  runs (bodies that cannot hold jitted code blanked; the rest parsed in pieces).
- `facts_only.py`, `jitted_guess.py`: the files of other shards (`check --shard`), parsed only
  for the project's facts, with their jitted bodies blanked on a guess the jit index checks.
- `unparsed.py`: the bindings of project files that were never parsed.
- `cache.py`: a static-only run's output kept between runs (used by the pipeline);
  `replay.py` and `codec.py`: each file's record of what every stage answered, replayed while
  its inputs hold; `rescan.py`: a run whose changed files were never parsed, answered from the
  last output without the engine, libcst or a rule.

The rest of the package calls `engine.static_pass` and reads its `StaticResult`. Nothing is
imported here, so `numba-lint clean` (`cache.py`) stays light.
"""
