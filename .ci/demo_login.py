"""Logs in to a running demo as a county clerk and checks the dashboard renders, with
its stylesheets served, and that a print page that finds nothing is the Chinese 404."""

import http.cookiejar
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

base = sys.argv[1]
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
page = opener.open(f"{base}/admin/login/").read().decode()
token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
form = urllib.parse.urlencode({
    "csrfmiddlewaretoken": token, "username": "chengguan_cadre",
    "password": "Demo@orgwork2026", "next": "/admin/",
}).encode()
request = urllib.request.Request(f"{base}/admin/login/", data=form,
                                 headers={"Referer": f"{base}/admin/login/"})
response = opener.open(request)
body = response.read().decode()
if response.status != 200 or "/admin/login/" in response.url:
    sys.exit(f"登录失败：{response.status} {response.url}")
if "退出" not in body and "注销" not in body:
    sys.exit("登录后的首页没有退出链接")
print(f"demo: 登录成功，首页 {len(body)} 字节：{response.url}")

sheets = re.findall(r'<link[^>]+href="(/static/[^"]+\.css)"', body)
if not sheets:
    sys.exit("首页没有引用样式表")
for sheet in sheets:
    served = opener.open(f"{base}{sheet}")
    if served.status != 200 or "text/css" not in served.headers.get("Content-Type", ""):
        sys.exit(f"样式表没有送达：{sheet} {served.status}")
try:
    opener.open(f"{base}/admin/cadres/cadre/999999/print/")
    sys.exit("不存在的干部任免审批表页面没有返回 404")
except urllib.error.HTTPError as missing:
    page = missing.read().decode()
    if missing.code != 404 or "<h1>页面不存在</h1>" not in page or "Page not found" in page:
        sys.exit(f"不存在的页面不是中文的 404 页：{missing.code}")
print(f"demo: {len(sheets)} 个样式表已送达，不存在的页面显示中文 404 页")
