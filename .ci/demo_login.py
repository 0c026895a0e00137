"""Logs in to a running demo as a county clerk and checks the dashboard renders."""

import http.cookiejar
import re
import sys
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
