from needs.models.children import (
    AgeBand,
    Child,
    ChildConsent,
    ConsentGiver,
    ConsentPurpose,
    SchoolLevel,
    Sex,
    SpecialCircumstance,
)
from needs.models.needs import (
    CareType,
    Category,
    ClothingSize,
    Need,
    NeedAttachment,
    NeedEvent,
    NeedStatus,
    Priority,
)

__all__ = [
    "AgeBand",
    "CareType",
    "Category",
    "Child",
    "ChildConsent",
    "ClothingSize",
    "ConsentGiver",
    "ConsentPurpose",
    "Need",
    "NeedAttachment",
    "NeedEvent",
    "NeedStatus",
    "Priority",
    "SchoolLevel",
    "Sex",
    "SpecialCircumstance",
]
