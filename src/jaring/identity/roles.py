"""Roles and organisation kinds. Kept apart from models so the policy can import them cheaply."""

from django.db import models


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", "Administrator"
    INTEL_ANALYST = "intel_analyst", "Intelligence analyst"
    CASEWORKER = "caseworker", "Caseworker"
    CASE_SUPERVISOR = "case_supervisor", "Case supervisor"
    ME_OFFICER = "me_officer", "M&E officer"
    ME_APPROVER = "me_approver", "M&E approver"
    VIEWER = "viewer", "Viewer"


class OrganisationKind(models.TextChoices):
    ANTI_SCAM_CENTRE = "anti_scam_centre", "National anti-scam centre"
    POLICE = "police", "Police"
    SOCIAL_WELFARE = "social_welfare", "Social-welfare ministry"
    NGO = "ngo", "NGO service provider"
    REGIONAL_SECRETARIAT = "regional_secretariat", "Regional secretariat"
