"""The roles a unit plays in an answer, as one enum instead of strings matched by prefix.

Why an enum of strings: the JSON keeps the values users and the web page already read ("lead unit",
"co-operating unit", …), while code compares members (``role.is_statutory``) instead of spelling them.
"""

from __future__ import annotations

from enum import StrEnum


class AnswerRole(StrEnum):
    """Why a unit answers a responsibility question; the value is the JSON text."""

    LEAD = "lead unit"
    COOPERATING = "co-operating unit"
    BEARER = "obligation bearer"
    STATUTORY_REGULATOR = "statutory regulator"
    STATUTORY_DUTY_HOLDER = "statutory duty holder"
    NONE = ""

    @property
    def is_statutory(self) -> bool:
        """A role named by a law or regulation rather than assigned by the document's own tasks.

        >>> AnswerRole.STATUTORY_REGULATOR.is_statutory, AnswerRole.LEAD.is_statutory
        (True, False)
        """
        return self in (AnswerRole.STATUTORY_REGULATOR, AnswerRole.STATUTORY_DUTY_HOLDER)

    @classmethod
    def of_task_role(cls, role: str) -> AnswerRole:
        """The answer role of a task-table role as the graph spells it (``lead`` / ``cooperating``).

        >>> AnswerRole.of_task_role("cooperating")
        <AnswerRole.COOPERATING: 'co-operating unit'>
        """
        return {"lead": cls.LEAD, "cooperating": cls.COOPERATING}[role]


# How much a role counts towards a unit's responsibility for a topic (graph ranking and index support).
ROLE_WEIGHT: dict[AnswerRole, float] = {
    AnswerRole.LEAD: 1.0,
    AnswerRole.COOPERATING: 0.5,
    AnswerRole.BEARER: 0.6,
    AnswerRole.STATUTORY_REGULATOR: 0.4,
    AnswerRole.STATUTORY_DUTY_HOLDER: 0.15,
}
