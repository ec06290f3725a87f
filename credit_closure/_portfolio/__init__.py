"""The private parts of :mod:`credit_closure.portfolio`: input checks, counting, the chart.

``columns`` validates the long counts format column by column, ``events`` turns closure
events (arrays or profiles) into counts per period and segment, and ``plot`` draws
:func:`credit_closure.portfolio.plot_closure_rates`. The public names, their documentation
and the result classes stay in :mod:`credit_closure.portfolio`.
"""
