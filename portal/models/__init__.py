from portal.models.agency import Agency
from portal.models.audit import AccessLog, AccessView
from portal.models.partners import PartnerKind, PartnerOrganisation
from portal.models.people import RoleAssignment, User
from portal.models.spreadsheets import ExportLog, ImportRecord, ImportStatus
from portal.models.units import (
    REFORM_DATE,
    AdministrativeUnit,
    CommuneClassification,
    EthnicGroup,
    EthnicRegion,
    UnitLevel,
    Village,
)

__all__ = [
    "REFORM_DATE",
    "AccessLog",
    "AccessView",
    "AdministrativeUnit",
    "Agency",
    "CommuneClassification",
    "EthnicGroup",
    "EthnicRegion",
    "ExportLog",
    "ImportRecord",
    "ImportStatus",
    "PartnerKind",
    "PartnerOrganisation",
    "RoleAssignment",
    "UnitLevel",
    "User",
    "Village",
]
