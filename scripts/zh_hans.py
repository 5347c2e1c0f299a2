"""Fill the zh-Hans catalogue from a plain table and compile it (run after makemessages).

    AUTOCRM_HOME=/tmp/x DJANGO_SETTINGS_MODULE=autocrm.settings \
        .venv/bin/django-admin makemessages -l zh_Hans --ignore 'static/*'   (in src/autocrm)
    .venv/bin/python scripts/zh_hans.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "src/autocrm/locale/zh_Hans/LC_MESSAGES/django.po"

ZH = {
    "loaded record": "导入记录", "entered in autocrm": "系统内录入", "value": "原始值",
    "code": "代码", "name": "名称", "English name": "英文名称", "dealer side": "经销商侧",
    "department": "部门", "departments": "部门",
    "contact details (mobile, address)": "联系方式（手机、地址）",
    "identity (ID number, birthday)": "身份信息（证件号、生日）",
    "customer profile, vehicles, timeline": "客户档案、车辆、接触记录",
    "finance and insurance": "金融保险", "repair history": "维修记录", "complaints": "投诉",
    "exports": "导出", "steward actions": "数据管理操作", "data operations": "数据运营",
    "user administration": "用户管理", "audit log": "审计日志", "role": "角色", "roles": "角色",
    "membership": "任职", "memberships": "任职", "prefix": "前缀", "created": "创建时间",
    "last used": "最近使用", "revoked": "已吊销", "expires": "到期时间", "API token": "API 令牌",
    "API tokens": "API 令牌", "hidden": "隐藏", "masked": "脱敏",
    "masked, may reveal with a reason": "脱敏，可说明原因后查看", "full": "完整",
    "User": "用户", "Customer ID": "客户编号", "Action": "操作", "From": "从", "To": "至",
    "Any action": "全部操作", "Rows loaded": "入库行数", "Rows unchanged": "未变行数",
    "Rows rejected": "拒收行数",
    "Previous": "上一页", "Page %(n)s of %(total)s": "第 %(n)s 页，共 %(total)s 页",
    "Next": "下一页", "Audit log": "审计日志", "Filter": "筛选", "Export XLSX": "导出 XLSX",
    "Time": "时间", "Object": "对象", "Customer": "客户", "Detail": "详情",
    "No entry matches.": "没有符合条件的记录。", "Dashboard": "工作台",
    "Welcome, %(name)s.": "欢迎，%(name)s。", "Your role": "您的角色", "none": "无",
    "Ask your administrator to give you a role.": "请联系管理员为您分配角色。",
    "Customers you can reach": "可访问客户", "Vehicles": "车辆", "Loads today": "今日加载",
    "Rows rejected today": "今日拒收行数", "Held changes pending": "待审核变更",
    "Unacknowledged interface notices": "未确认的接口变更",
    "Rows loaded and rejected, last 14 days": "近 14 天入库与拒收行数",
    "Rows loaded and rejected per day": "每日入库与拒收行数", "Latest loads": "最近加载",
    "No load yet.": "尚无加载。", "All loads": "全部加载", "Name": "姓名", "ID number": "证件号码",
    "Gender": "性别", "Birthday": "生日", "Mobile": "手机", "Province": "省份", "City": "城市",
    "Address": "地址", "Occupation": "职业", "Employer": "工作单位", "Interests": "兴趣爱好",
    "Contact person": "联系人", "Relatives": "亲属", "bought here": "在本店购车",
    "in the dealer's records": "经销商档案", "club member here": "本店俱乐部会员",
    "serviced here": "在本店维修保养", "Call": "来电", "Complaint": "投诉",
    "Roadside assistance": "道路救援", "Club": "俱乐部", "Dealer record": "经销商档案",
    "Finance contract": "金融合同", "Invoice": "发票", "Survey": "满意度调查",
    "Registration": "注册", "Event sign-up": "活动报名", "Forum post": "论坛发帖",
    "Repair": "维修保养", "source priority": "来源优先级", "most recent": "最近的值",
    "all sources agree": "各来源一致", "derived from the ID number": "由身份证号推导",
    "company": "企业", "No customer found.": "未找到客户。", "person": "个人",
    "Unified ID": "统一客户标识", "Profile": "客户档案",
    "Reason for viewing the full value (logged)": "查看完整信息的原因（将记入审计日志）",
    "reveal": "查看", "load": "批次", "Source": "来源", "File": "文件", "row": "行",
    "Load": "批次", "Observed": "数据日期", "Why it won": "采用原因", "Other values": "其他值",
    "All mobiles": "全部手机", "owned now": "当前持有", "sold on": "已转让", "Owned": "持有期间",
    "now": "至今", "Purchased": "购车日期", "Insurance until": "保险到期", "Date": "日期",
    "Dealer": "经销商", "Type": "类型", "Mileage": "里程", "Work": "项目", "Amount": "金额",
    "No vehicle known.": "暂无车辆。", "Contact timeline": "接触记录",
    "No contact yet.": "暂无接触记录。", "Dealers": "经销商",
    "No dealer relation.": "无经销商关系。",
    "Changes held for review": "待审核的变更", "Review in the back office": "到后台审核",
    "Search customers": "搜索客户", "male": "男", "female": "女",
    "Source / feed": "来源 / 数据类型", "Status": "状态",
    "Read": "读取", "Loaded": "入库", "Rejected": "拒收", "With issues": "有问题",
    "failed": "失败", "done": "完成", "Loads": "数据加载", "Interface notices": "接口变更通知",
    "Dealer error reports": "经销商错误报告", "Added columns": "新增列",
    "Missing columns": "缺少列", "Renamed": "改名列", "blocked the load": "已阻止加载",
    "Open issues": "未解决问题", "All issues": "全部问题", "Report": "报告",
    "Download XLSX": "下载 XLSX", "needs the export right": "需要导出权限",
    "No dealer has sent a file yet.": "尚无经销商提交文件。", "Batch": "批次号",
    "Started": "开始时间", "Finished": "结束时间", "Encoding": "编码", "Rows read": "读取行数",
    "Rows with issues": "有问题行数", "Duplicate rows": "重复行数", "Error": "错误",
    "Issues by rule": "按规则统计的问题", "Rule": "规则", "Issues": "问题数", "Outcome": "处理结果",
    "Explanation": "说明", "How to fix": "如何修正", "row rejected": "整行拒收",
    "value removed": "值已删除", "corrected": "已更正", "No issue in this load.": "本批次无问题。",
    "Download the dealer's error report": "下载经销商错误报告", "Interface changes": "接口变更",
    "All sources": "全部来源", "Any status": "全部状态",
    "Files whose columns differ from their source's mapping.": "列与来源映射不一致的文件。",
    "Changes": "变更", "Acknowledged": "已确认", "open": "待处理",
    "No interface change.": "无接口变更。", "Django site admin": "autocrm 后台",
    "Django administration": "autocrm 后台",
    "autocrm customer data platform": "autocrm 客户数据平台",
    "Data operations": "数据运营", "Back office": "后台", "Log out": "退出",
    "Back to the dashboard": "返回工作台", "Account locked": "账户已锁定", "Log in": "登录",
    "Wrong username or password.": "用户名或密码错误。", "Username": "用户名", "Password": "密码",
    "Too many failed logins. Try again in 15 minutes, or ask your administrator.":
        "登录失败次数过多。请 15 分钟后再试，或联系管理员。",
    "Your role has no figures to show here; use the menu above for the pages it opens.":
        "您的角色在此没有可显示的数据；请使用上方菜单进入可访问的页面。",
    "Every problem row a dealer sent, with how to fix it at the source; open issues are those "
    "no later file has corrected.":
        "经销商提交的每一条问题数据及其在源头的修正方法；未解决问题指尚未被后续文件更正的问题。",
    # errors
    "Your role lacks the right: %(right)s.": "您的角色没有此权限：%(right)s。",
    "invalid filter %(name)s: %(detail)s": "筛选条件 %(name)s 无效：%(detail)s",
    "Please sign in first.": "请先登录。",
    "The CSRF check failed; reload the page.": "CSRF 校验失败，请刷新页面。",
    "Too many failed logins; the account is locked for 15 minutes.":
        "登录失败次数过多，账户已暂时锁定 15 分钟。",
    "unknown role %(role)s": "角色 %(role)s 不存在",
    "the dealer role %(role)s needs a dealer": "经销商角色 %(role)s 需要经销商",
    "the HQ role %(role)s belongs to no dealer": "总部角色 %(role)s 不属于经销商",
    "token %(id)s not found": "令牌 %(id)s 不存在",
    "The body must be application/json.": "请求体须为 JSON (application/json)。",
    "The request parameters are invalid.": "请求参数无效。",
    "Bad request": "请求无效", "Access denied": "无权访问", "Page not found": "页面不存在",
    "Method not allowed": "请求方式不允许", "Server error": "服务器错误",
    "The request could not be read.": "无法读取该请求。",
    "Your role may not open this page.": "您的角色不能打开此页面。",
    "There is no page at this address, or it is not yours to see.":
        "此地址没有页面，或您无权查看。",
    "This address does not take that kind of request.": "此地址不接受这种请求。",
    "Something went wrong on our side and was logged. Please try again later.":
        "服务器出错，已记录。请稍后再试。",
    "The form has expired. Reload the page and try again.": "表单已过期，请刷新页面后重试。",
    "The request contains a NUL character.": "请求含有 NUL 字符。",
    "customer %(id)s not found": "客户 %(id)s 不存在",
    "load %(id)s not found": "加载批次 %(id)s 不存在",
    "dealer %(id)s not found": "经销商 %(id)s 不存在",
    "interface notice %(id)s not found": "接口变更通知 %(id)s 不存在",
    "held change %(id)s not found": "待审核变更 %(id)s 不存在",
    "change %(id)s is already decided (%(status)s)": "变更 %(id)s 已处理（%(status)s）",
    "%(field)s is not a personal-data field": "字段 %(field)s 不是个人信息",
    "Your role may not see the full %(field)s.": "您的角色不能查看完整的%(field)s。",
    "Please give a reason for viewing the full value.": "请填写查看原因。",
    "merge proposal %(id)s not found": "合并建议 %(id)s 不存在",
    "merge proposal %(id)s is already decided (%(status)s)": "合并建议 %(id)s 已处理（%(status)s）",
    "A customer cannot be merged with itself.": "不能与自身合并。",
    "customer not found": "客户不存在",
    "The chosen records do not belong to the customer.": "所选记录不属于该客户。",
    "Every record cannot be split off.": "不能拆分全部记录。",
    "the source system %(source)s has no feed %(feed)r (known: %(known)s)":
        "来源系统 %(source)s 没有数据类型 %(feed)r（可选: %(known)s）",
    "%(file)s: file not found": "%(file)s: 文件不存在",
    "%(file)s: the source system %(source)s is already defined in %(other)s":
        "%(file)s: 来源系统 %(source)s 已在 %(other)s 中定义",
    "unknown source system %(code)r (known: %(known)s)":
        "未知的来源系统 %(code)r（可选: %(known)s）",
    "; it looks like a %(source)s file of %(feed)s": "，看起来是 %(source)s 系统的“%(feed)s”文件",
    "%(file)s: the header fits no feed of the source system %(source)s%(hint)s":
        "%(file)s: 表头与来源系统 %(source)s 的任何数据类型都不符%(hint)s",
    "%(file)s: required columns missing: %(columns)s": "%(file)s: 缺少必需列 %(columns)s",
    "%(file)s: required columns missing: %(columns)s; the file was not loaded":
        "%(file)s: 缺少必需列 %(columns)s，该文件未加载",
    "%(file)s: the file is empty": "%(file)s: 文件为空",
    "%(file)s: the Excel file cannot be read (%(error)s)":
        "%(file)s: 无法读取 Excel 文件（%(error)s）",
    "%(file)s: invalid JSON at line %(line)s, column %(column)s: %(error)s":
        "%(file)s: JSON 格式错误，第 %(line)s 行第 %(column)s 列: %(error)s",
    "%(file)s: a JSON file must hold an array of objects": "%(file)s: JSON 文件应为对象数组",
    "%(file)s: unknown encoding (neither UTF-8 nor GBK/GB18030) at byte %(byte)s":
        "%(file)s: 无法识别文件编码（既不是 UTF-8 也不是 GBK/GB18030），第 %(byte)s 字节",
    "%(file)s: no recognisable header in the first %(n)s rows; the first row is %(first)s":
        "%(file)s: 前 %(n)s 行中找不到可识别的表头，首行为 %(first)s",
    "Home": "首页", "Back to the back office": "返回后台",
    # back office: apps, models, fields, choices
    "Accounts and rights": "账户与权限", "Analytics": "分析", "Core": "核心", "Customers": "客户",
    "Identity resolution": "客户识别", "Data quality": "数据质量", "Data sources": "数据源",
    "Resident ID number": "身份证号", "Unified social credit code": "统一社会信用代码",
    "Internal number": "内部编号", "ID": "编号", "Key type": "标识类型",
    "Name in pinyin": "姓名拼音", "Date of birth": "出生日期", "Lineage": "数据来源",
    "Created": "创建时间", "Updated": "更新时间", "customers": "客户", "customer": "客户",
    "Relation": "关系", "First": "首次", "Last": "最近", "dealer relation": "经销商关系",
    "dealer relations": "经销商关系", "Pending": "待审核", "Approved": "已批准",
    "Declined": "已驳回", "Field": "字段", "Current value": "当前值", "Proposed value": "新值",
    "Source record": "源记录", "Reason": "原因", "Decided by": "处理人", "Decided at": "处理时间",
    "held change": "待审核变更", "held changes": "待审核变更", "Term kind": "搜索词类型",
    "Value": "值", "search term": "搜索词", "search terms": "搜索词", "Dealer code": "经销商代码",
    "Dealer name": "经销商名称", "dealer": "经销商", "dealers": "经销商",
    "Left record": "记录一", "Right record": "记录二", "Score": "得分",
    "match evidence": "匹配证据", "Merged": "已合并", "Split": "已拆分", "Customer A": "客户A",
    "Customer B": "客户B", "merge proposal": "合并建议", "merge proposals": "合并建议",
    "Configuration digest": "配置摘要", "Model parameters": "模型参数",
    "Training records": "训练记录数", "Trained at": "训练时间", "match model": "匹配模型",
    "match models": "匹配模型", "VIN": "车架号", "Source system": "来源系统", "Title": "标题",
    "Summary": "内容", "Origin": "来源方式", "timeline entry": "接触记录",
    "timeline entries": "接触记录", "Feed": "数据类型", "Row": "行号", "Record key": "记录键",
    "Value as sent": "原始值", "Severity": "级别", "Resolved by": "更正批次",
    "data issue": "数据问题", "data issues": "数据问题", "SHA-256": "SHA-256 校验值",
    "data load": "数据加载", "data loads": "数据加载", "Event date": "事件日期",
    "Current version": "当前版本", "Data": "数据", "Held fields": "待审核字段", "Digest": "摘要",
    "source record": "源记录", "source records": "源记录", "Key kind": "标识类别",
    "identity key": "识别键", "identity keys": "识别键", "Acknowledged at": "确认时间",
    "interface notice": "接口变更通知", "interface notices": "接口变更通知", "Plate": "车牌号",
    "Model": "车型", "Configuration": "配置", "Registered": "上牌日期", "First service": "首保日期",
    "Insurance from": "保险起期", "Selling dealer": "销售经销商", "vehicle": "车辆",
    "vehicles": "车辆", "Vehicle": "车辆", "Owned from": "持有起始", "Owned until": "持有截止",
    "ownership": "持有记录", "ownerships": "持有记录", "Order no.": "工单号",
    "Arrival date": "进厂日期", "Repair type": "维修类型", "Parts replaced": "更换零件",
    "Technician": "技师", "Service advisor": "服务顾问", "repair order": "维修工单",
    "repair orders": "维修工单",
    "Object type": "对象类型", "audit entry": "审计记录", "idempotent answer": "幂等请求",
    "idempotent answers": "幂等请求", "Key": "键", "Request digest": "请求摘要", "Answer": "应答",
    "Status code": "状态码", "Department": "部门", "Role": "角色", "Token digest": "令牌摘要",
    "Password digest": "密码摘要", "Merge the chosen customers": "合并所选客户",
    "Decline the chosen proposals": "驳回所选合并建议",
    "Data (personal data masked by role)": "数据（个人信息按角色脱敏）",
    "Split off into a new customer": "拆分为新客户",
    "Choose records of one customer only.": "请只选择同一客户的记录。",
    "The chosen records belong to no customer and cannot be split off.":
        "所选记录未归属任何客户，无法拆分。",
    "Split off into the new customer %(id)s %(unified_id)s.":
        "已拆分为新客户 %(id)s %(unified_id)s。",
    "Source records": "源记录数", "360° page": "360° 页面",
    "Open the customer's 360° page": "打开客户 360° 页面",
    "Approve the chosen changes": "批准所选变更", "Decline the chosen changes": "驳回所选变更",
    "autocrm customer data platform · back office": "autocrm 客户数据平台 · 后台",
    "won by record": "成交记录", "purchase": "购买类型", "first purchase": "首购",
    "repurchase": "再购", "trade-in": "置换",
    # audit actions, the 360° page's reveal dialog and dealer card, back-office lists
    "viewed": "查看", "revealed": "查看完整信息", "exported": "导出",
    "added in the back office": "后台新增", "changed in the back office": "后台修改",
    "approved a held change": "批准待审核变更", "declined a held change": "驳回待审核变更",
    "decided a merge": "处理合并建议", "merged customers": "合并客户",
    "split off records": "拆分记录",
    "created the demo users": "创建演示用户", "imported dealers": "导入经销商",
    "loaded a file": "加载文件", "issued a token": "签发令牌", "revoked a token": "吊销令牌",
    "set a user": "设置用户", "answered a lead's questions": "填写线索问卷",
    "followed up a lead": "跟进线索", "moved a lead": "推进线索", "reason": "原因",
    "field": "字段", "query": "查询", "rows": "行数", "count": "数量", "records": "记录",
    "filters": "筛选条件", "web page": "网页", "command line": "命令行",
    "Reveal %(field)s": "查看完整的%(field)s", "Cancel": "取消", "Dates": "日期", "Change": "变更",
    "This list is wider than a phone screen: scroll it sideways, or use a wider screen.":
        "此列表比手机屏幕宽：请左右滑动，或使用更宽的屏幕。",
    "maintenance": "保养", "repair": "维修", "warranty claim": "索赔", "body and paint": "钣喷",
    "View %s": "查看%s",
    # search
    "Customer no. {v}": "客户号 {v}", "Phone {v}": "手机号 {v}",
    "Phone starts {v}": "手机号开头 {v}", "Phone ends {v}": "手机尾号 {v}", "VIN {v}": "车架号 {v}",
    "VIN last {n} characters": "车架号后{n}位", "Plate {v}": "车牌号 {v}",
    "Plate starts {v}": "车牌号开头 {v}", "ID number starts": "证件号码开头",
    "Name starts": "姓名开头", "Pinyin": "拼音", "Pinyin initials": "拼音首字母",
    "Customers found": "找到的客户",
    "More than %(limit)s customers match — type more to narrow the search.":
        "超过 %(limit)s 位客户符合 — 请继续输入以缩小范围。",
    "Name, pinyin, phone or last 4, ID number, VIN or last 6, plate, #number":
        "姓名、拼音、手机号或尾号、证件号、车架号或后六位、车牌、#客户号",
    # leads
    "leads": "线索", "assign and approve leads": "分配与审批线索",
    "%(header)s is longer than %(n)s characters": "%(header)s 超过 %(n)s 个字符",
    "%(header)s %(key)s was used for another request": "%(header)s %(key)s 已用于另一个请求",
    "phone: %(value)r is not a mobile number": "phone：%(value)r 不是手机号",
    "phone: a lead needs a mobile number (a name alone cannot be followed up)":
        "phone：线索需要手机号（只有姓名无法跟进）",
    "the lead could not be stored: %(error)s": "线索未能保存：%(error)s",
    "its row was rejected": "该行被拒收",
    "phone: this customer is already followed by another dealer": "phone：该客户已由其他经销商跟进",
    "Lead": "线索", "Lead follow-up": "线索跟进", "Leads": "线索", "Price": "价格",
    "Bought another brand": "已购其他品牌", "Bought at another dealer": "已在其他经销商购买",
    "No longer interested": "不再有意向", "Unreachable": "无法联系",
    "stage: %(value)r is not a stage (known: %(known)s)":
        "stage：%(value)r 不是阶段（可选：%(known)s）",
    "stage: a lead in %(current)s cannot move to %(wanted)s (allowed: %(allowed)s)":
        "stage：处于 %(current)s 的线索不能转到 %(wanted)s（允许：%(allowed)s）",
    "New": "新线索", "Contacted": "已联系", "Showroom visit": "到店", "Test drive": "试驾",
    "Quote": "报价", "Order": "订单", "Delivered": "已交车", "Lost": "战败",
    "O · ordered": "O · 已下订", "H · within 7 days": "H · 7天内",
    "A · within 15 days": "A · 15天内",
    "B · within 30 days": "B · 30天内", "C · within 90 days": "C · 90天内",
    "N · no intent": "N · 无意向", "sources": "来源", "channel": "渠道",
    "idempotent request": "幂等请求", "idempotent requests": "幂等请求",
    "version": "版本", "time": "时间", "by": "操作人", "old value": "原值", "new value": "新值",
    "intended model": "意向车型", "salesperson": "销售顾问", "stage": "阶段",
    "contact name": "联系人姓名",
    "grade": "级别", "answers": "问卷答案", "finance interest": "金融意向",
    "trade-in interest": "置换意向", "lost reason": "战败原因", "next follow-up": "下次跟进",
    "first contact": "首次联系", "in stage since": "进入阶段时间", "updated": "更新时间",
    "closed": "关闭时间", "lead": "线索", "lead change": "线索变更", "lead changes": "线索变更",
    "Phone call": "电话", "WeChat": "微信", "SMS": "短信", "reached the customer": "联系上客户",
    "outcome": "结果", "follow-up": "跟进", "follow-ups": "跟进",
    "answers.%(field)s: %(value)r is not one of %(allowed)s":
        "answers.%(field)s：%(value)r 不在可选值中（%(allowed)s）",
    "answers.%(field)s: no such question (known: %(known)s)":
        "answers.%(field)s：没有这个问题（可选：%(known)s）",
    "intended_model: %(value)r is not a model of the brand (known: %(known)s)":
        "intended_model：%(value)r 不是本品牌车型（可选：%(known)s）",
    "source: %(value)r is not a lead source (known: %(known)s)":
        "source：%(value)r 不是线索来源（可选：%(known)s）",
    "lead %(id)s not found": "线索 %(id)s 不存在",
    "lead %(id)s was changed by someone else; reload it": "线索 %(id)s 已被他人修改，请刷新",
    "reason: a lost lead needs one of %(known)s": "reason：战败须填写原因（%(known)s）",
    "lead %(id)s is closed": "线索 %(id)s 已关闭",
    "channel: %(value)r is not one of %(known)s": "channel：%(value)r 不在可选值中（%(known)s）",
    "next_at: the next follow-up must be in the future": "next_at：下次跟进时间须在将来",
    "Known customer: %(name)s": "已是客户：%(name)s", "has an open lead": "有进行中的线索",
    "Already followed by another dealer.": "已由其他经销商跟进。", "New prospect.": "新潜客。",
    "My leads": "我的线索", "+ New lead": "+ 新建线索", "Funnel": "销售漏斗",
    "(no name)": "（无姓名）", "Stage": "阶段", "Grade": "级别", "Intended model": "意向车型",
    "Sources": "来源", "Next follow-up": "下次跟进", "Log a follow-up": "记录跟进",
    "e.g. will visit on Saturday": "例如：约周六到店", "Not reached": "未联系上",
    "Move to": "推进到", "Lost, because": "战败原因", "Mark lost": "标记战败",
    "Follow-ups": "跟进记录", "not reached": "未联系上", "No follow-up yet.": "尚无跟进。",
    "New leads today": "今日新线索", "Open leads": "进行中线索",
    "Close to buying (O/H, quote, order)": "即将成交（O/H级、报价、订单）",
    "Follow-up overdue": "跟进逾期", "Leads per stage": "各阶段线索数",
    "Open leads per dealer": "各经销商进行中线索", "Open": "进行中", "Overdue": "逾期",
    "HQ pool": "总部线索池", "No open lead.": "没有进行中的线索。", "New lead": "新建线索",
    "Name (or 王先生)": "姓名（或 王先生）", "Save lead": "保存线索",
    # lead assignment, return, lost approval, reactivation, my day
    "lead capacity": "线索承接能力", "leads paused": "暂停分配线索",
    "assigning HQ's pool needs the lead_assign right at HQ": "分配总部线索池需要总部的线索分配权限",
    "assigning leads needs the lead_assign right": "分配线索需要线索分配权限",
    "Assigned to a dealer": "已分配给经销商",
    "dealer: only a dealer's manager deals leads to salespeople":
        "dealer：只有经销商经理可以把线索分给销售顾问",
    "salesperson: the dealer has no active salesperson": "salesperson：该经销商没有在职的销售顾问",
    "owner: %(name)r is not an active salesperson of dealer %(dealer)s":
        "owner：%(name)r 不是经销商 %(dealer)s 的在职销售顾问",
    "reason: returning a lead needs one of %(known)s": "reason：退回线索须选择原因之一：%(known)s",
    "lead %(id)s: only an open lead of a dealer can be returned":
        "线索 %(id)s：只有经销商进行中的线索可以退回",
    "Returned to HQ": "已退回总部", "lost requested": "申请战败", "bought brand": "购买品牌",
    "assigned": "分配时间", "returned by": "退回经销商", "key": "键", "position": "位置",
    "assignment cursor": "分配轮转位置", "assignment cursors": "分配轮转位置",
    "brand: say which brand the customer bought": "brand：请填写客户购买的品牌",
    "deciding a lost request needs the lead_assign right": "审批战败申请需要线索分配权限",
    "lead %(id)s: no lost request to decide": "线索 %(id)s：没有待审批的战败申请",
    "reactivating a lead needs the lead_assign right at HQ": "激活线索需要总部的线索分配权限",
    "stage: only a lost lead can be reactivated (this one is %(stage)s)":
        "stage：只有战败线索可以激活（此线索为 %(stage)s）",
    "Reactivated by HQ": "总部已激活", "Salesperson": "销售顾问",
    "Brand bought (if another brand)": "购买品牌（如购买其他品牌）",
    "Ask to mark lost": "申请战败", "Lost request": "战败申请",
    "The salesperson asks to close this lead as lost: %(reason)s":
        "销售顾问申请将此线索标记为战败：%(reason)s",
    "Approve: lost": "批准：战败", "Reject: keep following": "驳回：继续跟进",
    "Waiting for the dealer manager's approval.": "等待经销商经理审批。",
    "Give to": "分配给", "Assign": "分配", "Return to HQ": "退回总部", "Check call": "回访核实",
    "What the customer said": "客户反馈", "Reactivate: back to HQ's pool": "激活：退回总部线索池",
    "Deal them to the salespeople": "分配给销售顾问",
    "Assign the pool to dealers": "把线索池分配给经销商",
    "furthest stage": "到达的最远阶段", "close to buying": "即将成交", "lead tally": "线索统计",
    "lead tallies": "线索统计", "day": "日期", "follow-up tally": "跟进到期统计",
    "follow-up tallies": "跟进到期统计",
    "by: %(value)r is not one of %(known)s": "by：%(value)r 不是以下之一：%(known)s",
    "months: give 1 to 36": "months：请填写 1 到 36", "Won": "成交", "Conversion": "转化率",
    "By": "维度", "Months": "月数", "Show": "显示", "Won per group": "各组成交率",
    "No lead in this period.": "此期间没有线索。", "Month": "月份",
    "rule: %(value)r is not a mining rule (known: %(known)s)":
        "rule：%(value)r 不是挖掘规则（可选：%(known)s）",
    "mining leads needs the lead_assign right at HQ": "挖掘线索需要总部的线索分配权限",
    "Repurchase mining": "增换购挖掘", "Owners who": "车主条件",
    "Make them leads in HQ's pool": "生成线索放入总部线索池",
    "%(rule)s: %(matched)s owners found, %(open)s already have an open lead, "
    "%(created)s new leads in HQ's pool":
        "%(rule)s：找到 %(matched)s 位车主，其中 %(open)s 位已有进行中线索，"
        "新建 %(created)s 条线索放入总部线索池",
    "Key account kind": "重点客户类型", "Current cars": "当前车辆数", "Models": "车型",
    "Responsible": "负责人", "Key account since": "成为重点客户日期", "Key accounts": "重点客户",
    "Responsible person saved.": "负责人已保存。",
    "kind: %(value)r is not one of %(known)s": "kind：%(value)r 不是以下之一：%(known)s",
    "naming a key account's responsible person needs the lead_assign right at HQ":
        "指定重点客户负责人需要总部的线索分配权限",
    "key account %(id)s not found": "未找到重点客户 %(id)s",
    "responsible: %(name)r is not an active HQ user": "responsible：%(name)r 不是在职的总部用户",
    "Company account": "企业客户", "Several-car owner": "多车客户", "kind": "类型",
    "current cars": "当前车辆数", "responsible": "负责人", "key account since": "成为重点客户日期",
    "key account": "重点客户", "key accounts": "重点客户", "All": "全部",
    "Export to Excel": "导出 Excel", "Save": "保存", "No key account.": "没有重点客户。",
    "Escalated": "已升级", "Not contacted yet": "尚未首次联系", "Due today": "今日到期",
    "%(n)s leads dealt to %(people)s salespeople": "已将 %(n)s 条线索分给 %(people)s 位销售顾问",
    "%(n)s leads assigned to %(dealers)s dealers; %(left)s left in the pool":
        "已将 %(n)s 条线索分配给 %(dealers)s 家经销商；线索池剩余 %(left)s 条",
}
PLURALS = {
    "%(n)s change decided.": "已处理 %(n)s 条变更。",
    "%(n)s entry": "%(n)s 条记录", "%(n)s source record": "%(n)s 条源记录",
    "%(n)s owner": "%(n)s 位车主", "%(n)s load": "%(n)s 次加载", "%(n)s notice": "%(n)s 条通知",
    "%(n)s open lead": "%(n)s 条进行中线索", "%(n)s overdue": "%(n)s 条逾期",
    "Overdue %(days)s day or more (escalated to HQ)": "逾期 %(days)s 天及以上（已升级至总部）",
    "Leads opened in the last %(n)s month: the share that got at least as far as each stage.":
        "最近 %(n)s 个月新增的线索：到达各阶段（及以后）的比例。",
    "%(n)s key account": "%(n)s 位重点客户",
    "%(n)s open lead has no salesperson.": "%(n)s 条进行中线索尚未分配销售顾问。",
    "HQ's pool: %(n)s lead waits for a dealer (oldest %(hours)s h).":
        "总部线索池：%(n)s 条线索等待分配经销商（最早的已等 %(hours)s 小时）。",
}


def main() -> int:
    """Fill every entry from the tables, compile the .mo; fail on any entry left untranslated."""
    po = polib.pofile(str(PO))
    missing = []
    for entry in po:
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
        if entry.msgid_plural:
            if entry.msgid in PLURALS:
                entry.msgstr_plural = {0: PLURALS[entry.msgid]}
            else:
                missing.append(entry.msgid)
        elif entry.msgid in ZH:
            entry.msgstr = ZH[entry.msgid]
        else:
            missing.append(entry.msgid)
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    po.save()
    po.save_as_mofile(str(PO.with_suffix(".mo")))
    for msgid in missing:
        print(f"untranslated: {msgid!r}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
