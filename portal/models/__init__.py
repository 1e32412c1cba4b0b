from portal.models.agency import Agency
from portal.models.people import RoleAssignment, User
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
    "EthnicRegion",
    "RoleAssignment",
    "UnitLevel",
    "User",
    "Village",
]
