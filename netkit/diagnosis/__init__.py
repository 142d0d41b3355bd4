"""Find and size the opportunities worth collaborating on: the diagnosis that comes before
development (who should be at the table) and delivery (did the shift happen). Rates per head and
indirectly standardised ratios by place, compared on funnel plots with Poisson control limits at 95%
and 99.8% (the convention of NHS and public health outcome reporting), so that variation chance
would give is never mistaken for an opportunity, and the excess above a benchmark is sized with a
range. The statistics live in `netkit.diagnosis.funnel`, as plain functions of counts and
denominators.
"""

__all__: list[str] = []
