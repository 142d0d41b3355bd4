"""Who should be at the table for an opportunity: the scope (which flows, services and organisations
it concerns), the criteria per candidate, greedy selection against coordination cost, stability,
stakeholder frameworks, reasons in plain words, the pipeline (`find_partners`) and its result
(`PartnerSet`).
"""

__all__: list[str] = []
