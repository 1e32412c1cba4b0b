from portal.models.agency import Agency
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
    "AdministrativeUnit",
    "Agency",
    "CommuneClassification",
    "EthnicGroup",
    "ExportLog",
    "ImportRecord",
    "ImportStatus",
    "EthnicRegion",
    "RoleAssignment",
    "UnitLevel",
    "User",
    "Village",
]
