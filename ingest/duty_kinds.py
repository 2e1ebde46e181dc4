"""Whether a duty's bearer is a public body that supervises (``regulator``) or anyone else a law burdens
(``duty_holder``).

Why a module of its own: answers print each statutory role's kind, and a cold ``policykg ask`` should not
import the whole duty extractor (and the document model under it) to read one regular expression.
"""

from __future__ import annotations

import re

# A bearer that is a public body named by its public function (or the government itself) supervises.
_PUBLIC_BODY = re.compile(
    r"(部门|政府|机关|机构|国务院|委员会|局|厅|办公室|监察|监管|主管|派出所|办事处|公安|消防救援)$"
)
# Bodies outside government even though their names end like a public body's (检验检测机构, 技术服务机构).
_NOT_PUBLIC = re.compile(r"(检验|检测|服务|培训|评价|认证|医疗|鉴定|社会)\S{0,4}机构$|^(?:居民|村民|业主)委员会$")
# Bodies named by a bare class word (机关、团体、企业、事业单位应当…): organisations bound as duty holders.
_BARE_CLASS = frozenset({"机关", "国家机关", "团体", "社会团体", "企业", "事业单位", "单位"})


def duty_kind(bearer: str) -> str:
    """``regulator`` for a public body (部门, 机关, 人民政府 …), ``duty_holder`` for anyone else.

    >>> duty_kind("市、区（市）特种设备安全监督管理部门"), duty_kind("电梯使用单位"), duty_kind("检验检测机构")
    ('regulator', 'duty_holder', 'duty_holder')
    """
    text = bearer.strip()
    if _NOT_PUBLIC.search(text) or text in _BARE_CLASS:
        return "duty_holder"
    return "regulator" if _PUBLIC_BODY.search(text) else "duty_holder"
