"""Background work of the allocations app: the matching assistant, which can take seconds at provincial scale."""

import logging

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from allocations.matching import greedy_plan, solve_plan
from allocations.models import MatchingRun, RunStatus
from allocations.selectors import matching_inputs, plan_labels

logger = logging.getLogger(__name__)
# Unmet needs stored with a run, highest priority first; the others are only counted. A province can leave
# 160,000 needs unmet, and a run stored with all of them (and their labels) took 50 MB and seconds to read back.
UNMET_KEPT = 200


@shared_task(autoretry_for=(OperationalError,), retry_backoff=10, retry_kwargs={"max_retries": 3})
def matching_run_execute(run_id: int) -> None:
    """Compute the plan of one queued run. Claims the row with a conditional update, so a redelivered task
    never computes it twice; re-checks the runner's permission through the selectors' scope."""
    claimed = MatchingRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, progress=5
    )
    if not claimed:
        return
    run = MatchingRun.objects.select_related("province", "created_by").get(pk=run_id)

    def progress(percent: int) -> None:
        MatchingRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(progress=percent)

    try:
        receipts, needs = matching_inputs(user=run.created_by, province=run.province)
        progress(20)
        today = timezone.localdate()
        plan = solve_plan(receipts, needs, today, progress=lambda p: progress(20 + p * 7 // 10))
        greedy = greedy_plan(receipts, needs, today)
        result = plan.as_dict()
        result["greedy"] = {"covered": greedy.covered, "covered_value": greedy.covered_value}
        result["received"] = sum(r.remaining for r in receipts if not r.is_goods) + sum(
            r.remaining for r in receipts if r.is_goods
        )
        result["needed"] = sum(n.remaining for n in needs)
        _keep_first_unmet(result, {n.id: n.priority for n in needs})
        result.update(
            plan_labels(
                {line["receipt"] for line in result["lines"]} | {item["receipt"] for item in result["leftover"]},
                {line["need"] for line in result["lines"]} | {item["need"] for item in result["unmet"]},
            )
        )
    except Exception as error:
        logger.exception("matching run %s failed", run_id)
        MatchingRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED, error=f"{type(error).__name__}: {error}", finished_at=timezone.now()
        )
        return
    MatchingRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
        status=RunStatus.READY, progress=100, result=result, finished_at=timezone.now()
    )


def _keep_first_unmet(result: dict, priority: dict[int, int]) -> None:
    unmet = result["unmet"]
    result["unmet_count"] = len(unmet)
    result["unmet_total"] = sum(item["remaining"] for item in unmet)
    unmet.sort(key=lambda item: (-priority[item["need"]], -item["remaining"], item["need"]))
    del unmet[UNMET_KEPT:]
