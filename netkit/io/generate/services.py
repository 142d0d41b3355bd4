"""The kinds of service a generated system has: name, category, unit cost and price.

Each organisation runs one service of a kind per code (``QKK-ACU1-ED``); the price is empty
where the service is paid by block.
"""

from __future__ import annotations

__all__ = ["SERVICES"]

# service code -> (name, category, unit_cost, price); price empty where paid by block
SERVICES = {
    "GEN": ("General practice", "primary_care", 45, None),
    "CHS": ("Care home support and enhanced access", "primary_care", 60, None),
    "ED": ("Emergency department", "urgent_emergency", 280, 270),
    "AMU": ("Acute medical unit", "acute_inpatient", 1900, 2100),
    "ELD": ("Elderly care wards", "acute_inpatient", 4200, 4400),
    "RES": ("Respiratory wards", "acute_inpatient", 3600, 3800),
    "OPD": ("Diabetes outpatients", "acute_outpatient", 160, 170),
    "HASU": ("Hyperacute stroke unit", "acute_inpatient", 9000, 9500),
    "SW": ("Stroke ward", "acute_inpatient", 5200, 5400),
    "THR": ("Mechanical thrombectomy", "acute_inpatient", 12000, 12500),
    "UCR": ("Urgent community response", "community", 180, None),
    "DN": ("District nursing", "community", 60, None),
    "IC": ("Intermediate care beds", "community", 2400, None),
    "ESD": ("Early supported discharge after stroke", "community", 1500, None),
    "DSN": ("Diabetes specialist nursing", "community", 90, None),
    "PR": ("Pulmonary rehabilitation", "community", 300, None),
    "CRI": ("Crisis resolution and home treatment", "mental_health", 650, None),
    "LIA": ("Liaison psychiatry", "mental_health", 250, None),
    "CMHT": ("Community mental health team", "mental_health", 120, None),
    "MHIP": ("Mental health inpatient wards", "mental_health", 8000, None),
    "AMB": ("Emergency ambulance", "ambulance", 320, 300),
    "REAB": ("Reablement", "social_care", 1500, None),
    "CH": ("Care home beds", "care_home", 3500, 3600),
    "HC": ("Home care", "social_care", 2000, 2100),
    "PH": ("Community pharmacy", "pharmacy", 12, 14),
    "HOS": ("Hospice care", "community", 4500, None),
    "VS": ("Community support", "vcse_support", 80, None),
}
