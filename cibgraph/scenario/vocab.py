"""Word lists and templates for the scenario's text (English, Cantonese / traditional
Chinese, a little Japanese). Everything is local: no downloads. Names of outlets, pages
and domains are invented; the real-world domains appear only as ordinary link targets."""

from __future__ import annotations


def _words(line: str) -> tuple[str, ...]:
    return tuple(line.split())


FIRST = _words(
    "Sandra James Linda Kevin Angela Michael Jessica David Karen Peter Emily Jason Grace "
    "Brian Helen Daniel Cindy Eric Vivian Thomas Sharon Kelvin Winnie Alex Joyce Patrick "
    "Fiona Raymond Carmen Simon Irene Andy Maggie Steven Ivy Ken Rachel Tony Sally Henry "
    "Gloria Vincent Tiffany Jacky Natalie Ryan Olivia Martin Chloe Edward Stella Calvin"
)
LAST = _words(
    "Martin Chan Wong Lee Cheung Lau Ho Ng Leung Tang Yip Smith Johnson Brown Taylor Li "
    "Chow Kwok Lam Tsang Fung Mak Yeung Choi Poon Lai Tse Yuen Chu Lo Clark Walker Hall "
    "Young Allen King Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell Roberts"
)
ZH_SURNAME = "陳黃李張劉何吳梁林鄭王周謝郭羅馬葉蔡曾彭"
ZH_GIVEN = _words(
    "嘉欣 志明 家豪 詠詩 俊傑 美玲 偉強 麗華 子軒 曉彤 浩然 凱琳 建華 翠玲 國榮 淑儀 "
    "文傑 慧敏 振邦 雅婷 永康 綺雯 德明 佩珊"
)
HANDLE_WORDS = _words(
    "sunny kitty panda coffee milktea harbour peak island dragon lucky happy blue cloud "
    "tiger rice noodle star moon lotus jade pearl bamboo ocean river"
)

LOCATIONS = (
    "Hong Kong",
    "香港",
    "Kowloon",
    "Hong Kong SAR",
    "HK",
    "Sha Tin",
    "Tsuen Wan",
    "Tuen Mun",
    "Shenzhen",
    "",
    "",
    "London",
    "Taipei",
    "Vancouver",
    "Sydney",
    "Singapore",
    "Toronto",
)
ORGANIC_BIOS = (
    "",
    "",
    "",
    "Foodie. Runner. 🏃",
    "港女 | 咖啡 | 貓",
    "Engineer in HK. Views my own.",
    "Photographer 📷 Hong Kong",
    "Student @ HKU",
    "Teacher, hiker, dim sum enthusiast",
    "喜歡行山同煲劇",
    "Dad of two. Kowloon born and raised.",
    "Nurse. Night shifts. Coffee.",
    "Designer ✏️ cats 🐈",
    "香港人 🇭🇰",
    "Expat in HK since 2011",
    "日本語勉強中 / learning Japanese",
)
CORE_BIOS = (
    "愛國愛港",
    "Love China, love Hong Kong 🇨🇳",
    "Truth seeker. Peace and stability.",
    "Ordinary Hong Kong citizen who wants peace",
    "守護香港 反對暴力",
    "Proud Chinese. Proud Hongkonger.",
    "Say no to violence",
    "",
)
FAN_BIOS = (
    "Stand with Hong Kong 🖤",
    "香港人 加油",
    "Freedom. Democracy. HK.",
    "五大訴求 缺一不可",
    "Hongkonger abroad 💛",
    "",
)

LINES = ("Tsuen Wan line", "Island line", "Kwun Tong line", "East Rail", "Tung Chung line")
LINES_ZH = ("荃灣綫", "港島綫", "觀塘綫", "東鐵綫", "東涌綫")
FOODS = ("milk tea", "egg tarts", "pineapple buns", "wonton noodles", "dim sum", "claypot rice")
FOODS_ZH = ("奶茶", "蛋撻", "菠蘿包", "雲吞麵", "點心", "煲仔飯", "咖喱魚蛋", "車仔麵")
DISTRICTS = (
    "Mong Kok",
    "Sham Shui Po",
    "Causeway Bay",
    "Sha Tin",
    "Tsim Sha Tsui",
    "Central",
    "Tai Po",
    "Yuen Long",
    "Kwun Tong",
    "Sai Kung",
    "Wan Chai",
    "Admiralty",
)
DISTRICTS_ZH = (
    "旺角",
    "深水埗",
    "銅鑼灣",
    "沙田",
    "尖沙咀",
    "中環",
    "大埔",
    "元朗",
    "觀塘",
    "西貢",
    "灣仔",
    "金鐘",
)
TRAILS = ("Dragon's Back", "Lion Rock", "MacLehose Stage 2", "Lantau Peak", "Tai Mo Shan")
TRAILS_ZH = ("龍脊", "獅子山", "麥理浩徑", "鳳凰山", "大帽山")
CITIES = ("London", "Taipei", "Vancouver", "Sydney", "Toronto", "Tokyo", "Melbourne")
EMOJI = ("😂", "😩", "🥵", "☔", "😍", "🙏", "👍", "😴", "🤔", "✨", "😭", "🍜", "☕", "🐱", "😅")
OP_EMOJI = ("👍", "🇨🇳", "😡", "🙏", "💪", "‼️", "👊", "😠")

ORGANIC_EN = (
    "MTR delays on the {line} again {e} late for work",
    "Best {food} in {district}, no contest {e}",
    "So hot today, {temp}°C {e}",
    "Rain again... forgot my umbrella ☔",
    "Hiked {trail} this morning, amazing views {e}",
    "Anyone know a good {food} place near {district}?",
    "Traffic is crazy in {district} tonight",
    "Hope everyone at the march today stays safe",
    "Shops in {district} closed early again because of the protests",
    "Both sides need to sit down and talk. This can't go on.",
    "Tear gas in {district} again, keep your windows shut",
    "Not political, just want my commute back {e}",
    "My cat refuses to move away from the aircon {e}",
    "Weekend plan: {food} and a movie",
    "{district} at sunset never gets old {e}",
    "Exams next week, send help 📚",
    "Watching the news from {city}, worried about family in HK",
    "The government has to listen to young people",
    "I don't support violence from anyone, full stop",
    "Queue for {food} in {district} is 40 minutes long {e}",
    "Typhoon signal 3 up, office still open {e}",
    "Finally tried the new {food} shop in {district}",
)
ORGANIC_ZH = (
    "港鐵{line_zh}又壞車{e}",
    "今日食咗{food_zh}，好正{e}",
    "熱到溶咗，{temp}度{e}",
    "又落大雨☔ 冇帶遮",
    "{district_zh}今晚好多人，大家小心",
    "希望今日遊行嘅朋友平安",
    "唔想再見到暴力，雙方都冷靜啲",
    "政府應該回應市民訴求",
    "{district_zh}啲舖頭又早收",
    "週末去{trail_zh}行山，風景好靚{e}",
    "考試前夕，好攰{e}",
    "隻貓又霸咗張梳化{e}",
    "{district_zh}排隊買{food_zh}排咗半粒鐘",
    "返工前一定要飲杯{food_zh}",
    "今日{district_zh}封路，塞到爆",
    "喺{city_zh}睇新聞，好擔心屋企人",
)
ORGANIC_JA = ("香港の夜景きれい{e}", "{food_ja}おいしかった{e}", "香港旅行、楽しかった！")
FOODS_JA = ("点心", "エッグタルト", "ワンタン麺", "ミルクティー")
CITIES_ZH = ("倫敦", "台北", "溫哥華", "悉尼", "多倫多", "東京")
ORGANIC_TAGS = ("HongKong", "HK", "MTR", "foodie", "香港", "hkig", "weekend", "HongKongProtests")
REPLIES_EN = ("Totally agree", "Same here {e}", "Where is this?", "lol", "Stay safe!", "Thanks!")
REPLIES_ZH = ("同意", "真係{e}", "係邊度？", "哈哈哈", "小心啲", "多謝分享")

#: Pro-government narratives of the operation (what the takedowns described).
OP_EN = (
    "Rioters are destroying Hong Kong",
    "The violence must stop now",
    "Foreign forces are interfering in Hong Kong",
    "Support the Hong Kong police who protect our city",
    "Hong Kong people want peace, not chaos",
    "These radicals do not represent Hong Kong",
    "Who pays the rioters? Follow the money",
    "Enough is enough. Stop the violence",
    "Protect our home, support law and order",
    "The truth the Western media will not show you",
)
OP_ZH = (
    "支持香港警察",
    "暴徒正在破壞香港",
    "外國勢力干預香港事務",
    "止暴制亂，恢復秩序",
    "香港需要和平與穩定",
    "反對暴力，守護家園",
    "揭穿幕後黑手真面目",
    "沉默大多數要發聲",
    "西方媒體不會告訴你的真相",
    "撐警察，撐法治",
)
OP_OPENERS_EN = ("", "", "", "Must read:", "Shocking!", "Share this:", "Wake up!")
OP_OPENERS_ZH = ("", "", "", "真相：", "睇清楚：", "擴散！", "大家要知道：")
#: Word swaps of the copy-paste perturbation (both directions are not needed).
SWAPS = {
    "destroying": "ruining",
    "Rioters": "Thugs",
    "violence": "chaos",
    "must": "has to",
    "Support": "Stand with",
    "peace": "calm",
    "radicals": "extremists",
    "truth": "facts",
    "支持": "撐",
    "暴徒": "暴民",
    "破壞": "摧毀",
    "和平": "安寧",
    "真相": "事實",
    "守護": "保衛",
}
CAMPAIGN_TAGS = (
    "HongKong",
    "香港",
    "HongKongProtests",
    "SupportHKPolice",
    "StopViolence",
    "撐警",
    "止暴制亂",
    "HKRiots",
    "ForeignInterference",
    "守護香港",
)
PROTEST_TAGS = (
    "HongKong",
    "HongKongProtests",
    "StandWithHongKong",
    "香港",
    "反送中",
    "FreeHongKong",
    "HK",
    "antiELAB",
)
FAN_EN = (
    "Stand with Hong Kong 🖤",
    "Five demands, not one less ✋",
    "So proud of everyone marching in {district} today",
    "Hongkongers, add oil! 加油",
    "Peaceful, rational, non-violent. Millions on the streets.",
    "The world is watching Hong Kong 👀",
    "Solidarity from {city} 💛",
    "Another weekend, another march. We keep going.",
    "Thank you to the first aiders in {district} tonight",
    "The human chain along the {line} tonight was beautiful",
    "Lennon Wall in {district} keeps growing 🟨",
)
FAN_ZH = (
    "香港人加油！",
    "五大訴求，缺一不可",
    "今日{district_zh}人山人海",
    "和理非都係一份子",
    "手牽手守護香港",
    "多謝{district_zh}嘅急救員",
    "全世界都睇住香港",
    "{district_zh}連儂牆越貼越多",
)
VIRAL_EN = (
    "WATCH this 😱",
    "Everyone needs to see this",
    "What on earth is happening in {district}?!",
    "This video is everywhere today",
    "Can't stop watching this",
    "omg",
    "Unbelievable footage",
    "Is this real??",
)
VIRAL_ZH = ("呢段片一定要睇", "嘩，真係冇諗過", "大家睇下", "咩事??", "{district_zh}發生咩事")

FAKE_TITLES = (
    "Rioters storm airport, travellers stranded",
    "Who is funding the black-clad mob?",
    "Foreign forces behind Hong Kong unrest, experts say",
    "Police show restraint in face of violent radicals",
    "Business owners in {district} count the cost of riots",
    "Silent majority wants peace and order",
    "Radicals attack mainland visitor at airport",
    "Masked thugs vandalise MTR station in {district}",
    "Western politicians meet protest leaders: evidence of interference?",
    "Hong Kong economy hit hard by weeks of violence",
)
FAKE_TITLES_ZH = (
    "暴徒圍堵機場 旅客滯留",
    "誰在資助黑衣暴徒？",
    "外國勢力插手香港事務",
    "警察克制執法 暴徒變本加厲",
    "沉默大多數要和平",
    "{district_zh}港鐵站遭暴徒破壞",
    "止暴制亂 刻不容緩",
)
NEWS_TITLES = (
    "Thousands join march in {district}",
    "MTR suspends {line} services after disruption",
    "Government responds to calls for independent inquiry",
    "Airport Authority warns of disruption as sit-in continues",
    "Police fire tear gas in {district}",
    "Retail sales fall as protests weigh on tourism",
    "Observatory issues very hot weather warning",
    "Legislators trade blame over extradition bill",
    "Students plan class boycott for September",
    "Hang Seng index falls {pct}%",
    "Explainer: what the protesters want",
    "Business groups call for calm in {district}",
)
NEWS_TITLES_ZH = (
    "{district_zh}遊行 數以千計市民參與",
    "港鐵{line_zh}暫停服務",
    "政府回應獨立調查訴求",
    "恒指跌{pct}%",
    "天文台發出酷熱天氣警告",
    "學生計劃九月罷課",
)

PAGE_POSTS = ("Read more:", "最新：", "Breaking:", "獨家：", "Must read", "真相")
GROUP_SHARES = ("Share this!", "大家睇下", "Please share", "擴散", "Everyone should read this")
STAFF_SHARES = ("Our latest:", "My colleague's report:", "Worth reading:", "New from us:", "")
COMMUNITY_POSTS = (
    "Weekend special: {food} half price 🎉",
    "This Sunday: group hike to {trail}, meet 9am",
    "{district_zh}街坊注意：今晚有活動",
    "新店開張！{food_zh}買一送一",
    "Thank you all for 5,000 likes 🙏",
    "Photo of the day: {district} at dusk ✨",
)
LINK_SITES = (
    "https://www.youtube.com/watch?v={yt}",
    "https://www.instagram.com/p/{ig}/",
    "https://www.openrice.com/en/hongkong/r-{slug}-r{n6}",
    "https://www.scmp.com/news/hong-kong/politics/article/{n7}/{slug}",
    "https://news.rthk.hk/rthk/en/component/k2/{n7}-20190{m}{d}.htm",
    "https://www.hk01.com/article/{n6}",
    "https://medium.com/@{user}/{slug}-{hex}",
    "https://www.bbc.com/news/world-asia-china-{n8}",
    "https://www.theguardian.com/world/2019/aug/{d}/{slug}",
    "https://lihkg.com/thread/{n7}/page/1",
    "https://www.reddit.com/r/HongKong/comments/{ig}/{slug}/",
    "https://open.spotify.com/track/{ig}{ig}",
    "https://www.weather.gov.hk/en/wxinfo/currwx/current.htm",
    "https://www.mtr.com.hk/en/customer/services/service_hours.html",
    "https://www.timeout.com/hong-kong/restaurants/{slug}",
    "https://www.facebook.com/events/{n8}{n7}/",
    "https://github.com/{user}/{slug}",
    "https://imgur.com/{ig}",
)
SLUG_WORDS = _words(
    "best hidden cafes hong kong guide weekend night market food review street "
    "protest march airport city life summer typhoon travel tips hiking trail"
)
