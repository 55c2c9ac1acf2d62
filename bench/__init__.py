"""mobitui's benchmark suite: ``python -m bench`` from the repository root.

Every figure is measured against a baseline measured in the same run on the same machine, so
the ratios mean something on any machine; the goals come from issue 6 and the README shows the
latest table. Benchmarks are not tests: nothing here fails a build, and no test asserts time.
"""
