#!/usr/bin/env python3
"""Write CASE.html and CASE.gold.json for every case in cases.py (run from anywhere)."""
import html
import json
from datetime import datetime
from pathlib import Path

from cases import CASES

HERE = Path(__file__).resolve().parent
E = html.escape

COOKIE = ('<div class="{cls}" id="cookie-consent" role="dialog">'
          '<p>We use cookies to personalise content and ads and to analyse our traffic. '
          'See our <a href="/privacy">privacy policy</a>.</p>'
          '<button type="button" data-accept>Accept all</button> <button type="button" data-reject>Reject</button></div>')

SHARE = ('<div class="{cls}"><span>Share</span> <a href="https://www.facebook.com/sharer/sharer.php?u={u}">Facebook</a> '
         '<a href="https://twitter.com/intent/tweet?url={u}">X</a> <a href="https://t.me/share/url?url={u}">Telegram</a> '
         '<a href="mailto:?subject=Read&amp;body={u}">Email</a> <button type="button" class="copy">Copy link</button></div>')


def jsonld(c, site, author_kind="Person"):
    d = {"@context": "https://schema.org", "@type": "NewsArticle",
         "mainEntityOfPage": {"@type": "WebPage", "@id": c["url"]},
         "headline": c["title"], "datePublished": c["published_at"],
         "publisher": {"@type": "Organization", "name": site}}
    if c.get("lede"):
        d["description"] = c["lede"]
    if c["authors"]:
        d["author"] = [{"@type": author_kind, "name": a} for a in c["authors"]]
    else:
        d["author"] = {"@type": "Organization", "name": site}
    return '<script type="application/ld+json">' + json.dumps(d, ensure_ascii=False, indent=1) + '</script>'


def head(c, site, extra=""):
    desc = c.get("lede") or c["paras"][0][:150]
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{E(c['title'])} | {E(site)}</title>
<meta name="description" content="{E(desc)}">
<meta property="og:site_name" content="{E(site)}">
<meta property="og:type" content="article">
<meta property="og:title" content="{E(c['title'])}">
<meta property="og:url" content="{E(c['url'])}">
<meta property="article:published_time" content="{c['published_at']}">
<meta property="article:section" content="{E(c['section'])}">
<link rel="canonical" href="{E(c['url'])}">
<link rel="stylesheet" href="/static/css/site.css">
{jsonld(c, site)}
<script>window.dataLayer=window.dataLayer||[];dataLayer.push({{"pageType":"article","section":"{E(c['section'])}"}});</script>
{extra}
</head>
"""


def paras(c, tag="p", insert_after=None, insert="", cls=""):
    out = []
    for i, p in enumerate(c["paras"]):
        out.append(f"<{tag}{cls}>{E(p, quote=False)}</{tag}>")
        if insert_after is not None and i == insert_after:
            out.append(insert)
    return "\n".join(out)


def nav(items, cls):
    return f'<nav class="{cls}"><ul>' + "".join(f'<li><a href="/{x.lower().replace(" ", "-")}">{E(x)}</a></li>' for x in items) + "</ul></nav>"


def related(title, items, cls):
    return (f'<section class="{cls}"><h2>{E(title)}</h2><ul>' +
            "".join(f'<li><a href="{h}">{E(t)}</a></li>' for h, t in items) + "</ul></section>")


def shown_date(c, fmt):
    return datetime.fromisoformat(c["published_at"]).strftime(fmt)


def interfax(c):
    site = "Interfax"
    return head(c, site) + f"""<body class="newsroom">
{COOKIE.format(cls='cookies-bar')}
<header class="top"><a class="logo" href="/"><img src="/static/img/interfax-logo.svg" alt="Interfax"></a>
{nav(['Top stories', 'Politics', 'Economy', 'Energy', 'Banks', 'Markets', 'Ukraine', 'CIS'], 'main-menu')}
<a class="subscribe" href="/subscribe">Subscribe to Interfax newswires</a></header>
<div class="wrap"><main>
<div class="crumbs"><a href="/newsroom/">Newsroom</a> &raquo; <a href="/newsroom/top-stories/">Top stories</a></div>
<div class="article">
<h1>{E(c['title'])}</h1>
<div class="article-date">{shown_date(c, '%d %B %Y %H:%M')}</div>
{SHARE.format(cls='share-top', u=E(c['url']))}
<div class="article-text">
{paras(c, insert_after=4, insert='<div class="inline-ad"><span>Advertisement</span><div id="adslot-3"></div></div>')}
</div>
<p class="note">Interfax-Russia&amp;CIS newswires carry the full text of this story.</p>
</div>
{related('Related news', [('/newsroom/top-stories/109460/', 'Ruble firms ahead of rate decision'), ('/newsroom/top-stories/109441/', 'Inflation in Russia slows to 7.7% in October - Rosstat'), ('/newsroom/top-stories/109430/', 'Siluanov: budget deficit to stay within 2% of GDP')], 'related')}
</main>
<aside class="sidebar"><h3>Most read</h3><ol><li><a href="/newsroom/top-stories/109401/">Oil exports via Baltic ports rise in October</a></li><li><a href="/newsroom/top-stories/109399/">Gazprom Neft boosts refining at Omsk plant</a></li></ol></aside></div>
<footer><p>&copy; 1991-2025 Interfax Information Services Group. All rights reserved.</p><a href="/about">About</a> <a href="/contacts">Contacts</a></footer>
</body></html>
"""


def kyodo(c):
    site = "Kyodo News+"
    return head(c, site) + f"""<body>
{COOKIE.format(cls='gdpr-banner')}
<div id="header"><div class="header-inner"><a href="/" class="logo">KYODO NEWS</a>
{nav(['Japan', 'Politics', 'Business', 'Asia', 'World', 'Sports', 'Features', 'Videos'], 'global-nav')}
<form action="/search"><input name="q" type="text" placeholder="Search"></form></div></div>
<div id="contents"><div class="main">
<div class="article-head"><p class="category"><a href="/news/politics">{E(c['section'])}</a></p>
<h1>{E(c['title'])}</h1>
<p class="subtitle">{E(c['lede'])}</p>
<p class="credit">KYODO NEWS - <span class="date">{shown_date(c, '%b %d, %Y - %H:%M')}</span> | All Japan</p>
{SHARE.format(cls='sns-buttons', u=E(c['url']))}</div>
<div class="article-body">
<figure class="photo"><img src="/images/2025/02/okinotori.jpg" alt=""><figcaption>File photo shows the atoll in the Pacific. (Kyodo)</figcaption></figure>
{paras(c, insert_after=6, insert='<div class="related-inline"><p>Related coverage:</p><a href="/news/2025/01/china-survey-ship.html">Chinese survey ship spotted off Okinawa</a></div>')}
<p class="copy">==Kyodo</p>
</div>
{related('Related coverage', [('/news/2025/01/japan-china-talks.html', 'Japan, China agree to hold high-level economic dialogue'), ('/news/2025/01/coast-guard-budget.html', 'Japan Coast Guard to add 3 patrol ships')], 'related-articles')}
</div><div class="side"><div class="ranking"><h3>Most popular</h3><ol><li><a href="/news/2025/02/a.html">Japan's population falls for 16th straight year</a></li></ol></div></div></div>
<div id="footer"><p>&copy; Kyodo News. All Rights Reserved.</p><a href="/terms">Terms of Use</a> <a href="/privacy">Privacy Policy</a></div>
</body></html>
"""


def yonhap(c):
    site = "Yonhap News Agency"
    return head(c, site) + f"""<body>
{COOKIE.format(cls='cookie-pop')}
<div class="header"><h2 class="logo"><a href="/">YONHAP NEWS</a></h2>
{nav(['National', 'North Korea', 'Economy', 'Business', 'Market', 'Culture', 'Sports', 'Photos'], 'gnb')}
<div class="lang"><a href="https://www.yna.co.kr">한국어</a> <a href="https://cn.yna.co.kr">中文</a></div></div>
<div class="container"><div class="content03">
<div class="title-article01"><h1 class="tit">{E(c['title'])}</h1>
<p class="txt-time01">{shown_date(c, '%H:%M %B %d, %Y')}</p>
{SHARE.format(cls='share-box', u=E(c['url']))}</div>
<div class="story-news article">
<div class="img-con"><img src="/photo/yna/2025/04/09/missile.jpg" alt=""><p class="desc-con">This file photo shows a missile launch. (Yonhap)</p></div>
{paras(c, insert_after=7, insert='<div class="ads"><ins class="adsbygoogle" data-ad-slot="5573"></ins></div>')}
<p class="byline">({E(c['authors'][0].split()[1].lower())}@yna.co.kr)</p>
<p class="txt-copyright">(END)</p>
</div>
<div class="keyword-zone"><strong>Keywords</strong> <a href="/search?q=N.+Korea">#N. Korea</a> <a href="/search?q=missile">#missile</a></div>
<p class="writer-zone">By {E(c['authors'][0])}</p>
{related('Related Articles', [('/view/AEN20250409001100315', "(LEAD) N. Korea fires short-range ballistic missile into East Sea: JCS"), ('/view/AEN20250408006300315', 'S. Korea, U.S. hold air drills')], 'related-list')}
</div><div class="aside"><h3>Most Viewed</h3><ol><li><a href="/view/AEN20250409000800320">BTS member Jin to hold solo concert</a></li></ol></div></div>
<div class="footer"><p>Copyright (c) Yonhap News Agency prohibits its content from being redistributed or reprinted without consent.</p></div>
</body></html>
"""


def pti(c):
    site = "Press Trust of India"
    return head(c, site) + f"""<body>
{COOKIE.format(cls='cookieConsent')}
<header class="pti-header"><a class="brand" href="/"><img src="/assets/pti-logo.png" alt="Press Trust of India"></a>
{nav(['National', 'International', 'Business', 'Sports', 'Entertainment', 'Science', 'States'], 'menu-bar')}
<div class="ticker"><marquee>Sensex ends 412 pts higher; Nifty at 25,580 | Monsoon session of Parliament to begin on July 21</marquee></div></header>
<main class="story-page"><div class="row">
<div class="col-8"><article class="story">
<div class="story-meta"><span class="tag">{E(c['section'])}</span> <span class="pub">Published: {shown_date(c, '%d %b %Y, %I:%M %p')}</span></div>
<h1 class="story-title">{E(c['title'])}</h1>
{SHARE.format(cls='share-strip', u=E(c['url']))}
<div class="story-content" id="storyContent">
{paras(c, insert_after=5, insert='<p class="readmore"><strong>Also Read:</strong> <a href="/story/national/chandrayaan-4-approved/2099871">Cabinet approves Chandrayaan-4 mission</a></p>')}
<p class="agency-tag">(This story has not been edited by PTI staff and is auto-generated from a syndicated feed.)</p>
</div>
</article></div>
<div class="col-4"><aside class="latest"><h4>Latest News</h4><ul><li><a href="/story/business/rupee/2104460">Rupee rises 7 paise to 88.52 against US dollar</a></li><li><a href="/story/sports/kohli/2104455">Kohli returns to Ranji Trophy</a></li></ul></aside></div></div>
{related('Trending', [('/story/national/ldm/2104401', 'ISRO to launch LVM3 with US satellite next month'), ('/story/national/hal/2104388', 'HAL bags order for 12 Su-30 aircraft')], 'trending')}
</main>
<footer class="pti-footer"><p>Copyright &copy; 2025 PTI. All rights reserved.</p><a href="/about">About PTI</a> <a href="/contact">Contact</a></footer>
</body></html>
"""


def afp(c):
    site = "AFP"
    byline = " with ".join(f'<span class="author">{E(a.split()[0])} {E(a.split()[1].upper())}</span>' for a in c["authors"])
    return head(c, site) + f"""<body class="article-page">
{COOKIE.format(cls='didomi-notice')}
<header id="site-header"><a href="/en" class="afp-logo"><img src="/sites/default/files/afp-logo.svg" alt="AFP"></a>
{nav(['News', 'World', 'Business', 'Sport', 'Tech', 'Culture', 'Fact Check'], 'main-navigation')}
<div class="lang-switch"><a href="/fr">FR</a> <a href="/en" class="is-active">EN</a> <a href="/es">ES</a> <a href="/ar">AR</a></div></header>
<div class="page-content"><article class="node-news">
<div class="article-tags"><a href="/en/news/business">{E(c['section'])}</a></div>
<h1 class="article-title">{E(c['title'])}</h1>
<div class="article-meta"><div class="byline">By {byline} in Dubai</div>
<time datetime="{c['published_at']}">Published on {shown_date(c, '%d/%m/%Y - %H:%M')}</time></div>
{SHARE.format(cls='social-share', u=E(c['url']))}
<figure><img src="/media/opec-vienna.jpg" alt=""><figcaption>Delegates arrive for the meeting at the OPEC headquarters in Vienna <span>&copy; Joe KLAMAR / AFP</span></figcaption></figure>
<div class="textSection">
{paras(c, insert_after=7, insert='<aside class="inline-related"><h4>Read more</h4><a href="/en/news/oil-prices-slip">Oil prices slip on demand worries</a></aside>')}
</div>
<p class="copyright">&copy; 2025 AFP</p>
</article>
{related('More stories', [('/en/news/gold-record', 'Gold hits record as dollar weakens'), ('/en/news/airbus-deliveries', 'Airbus deliveries rise in May')], 'more-stories')}
</div>
<footer class="site-footer"><p>All rights reserved. All content on this site is protected by copyright.</p><a href="/en/legal">Legal notice</a></footer>
</body></html>
"""


def upi(c):
    site = "UPI"
    return head(c, site) + f"""<body>
{COOKIE.format(cls='consent-bar')}
<div id="upi-header"><a href="/" id="logo"><img src="/images/upi-logo.svg" alt="UPI.com"></a>
{nav(['Top News', 'World News', 'Odd News', 'Entertainment', 'Health', 'Science', 'Sports', 'Photos'], 'nav-sections')}
<span class="almanac">Almanac</span></div>
<div id="container"><div class="story-wrap">
<div class="breadcrumb"><a href="/Top_News/">Top News</a> / <a href="/Top_News/US/">U.S. News</a></div>
<h1 class="headline">{E(c['title'])}</h1>
<div class="meta-info"><div class="author">By <a href="/Author/Daniel-Okafor/">{E(c['authors'][0])}</a></div>
<div class="article-date">{shown_date(c, '%B %-d, %Y / %-I:%M %p')}</div></div>
{SHARE.format(cls='upi-share', u=E(c['url']))}
<div class="photo"><img src="/story/img/faa.jpg" alt=""><div class="caption">FAA Administrator Richard Alvarez testifies on Capitol Hill on Tuesday. Photo by Bonnie Cash/UPI | <a href="/photos">License Photo</a></div></div>
<article itemprop="articleBody">
{paras(c, insert_after=6, insert='<div class="rec-block"><span>Related</span><ul><li><a href="/Top_News/US/2025/02/20/runway-close-call/">Jets in runway close call at Millbrook</a></li></ul></div>')}
</article>
<div class="tags">Latest Headlines</div>
{related('Latest Headlines', [('/Top_News/US/2025/03/04/snow/', 'Winter storm to bring heavy snow to upper Midwest'), ('/Top_News/US/2025/03/04/fed/', 'Fed official signals patience on rate cuts')], 'latest-headlines')}
</div></div>
<div id="footer"><p>&copy; 2025 United Press International, Inc. All Rights Reserved.</p><a href="/Terms_of_Use">Terms of Use</a> <a href="/Privacy_Policy">Privacy Policy</a></div>
</body></html>
"""


def blog(c):
    site = "The Rhine Review"
    return head(c, site, '<link rel="alternate" type="application/rss+xml" href="/feed/">') + f"""<body class="post-template-default single single-post">
{COOKIE.format(cls='cmplz-cookiebanner')}
<div class="site"><header class="site-header"><p class="site-title"><a href="/">The Rhine Review</a></p>
<p class="site-description">Independent news on Europe's economy and politics</p>
{nav(['Home', 'Economy', 'Politics', 'Energy', 'Opinion', 'Newsletter', 'About'], 'main-navigation')}</header>
<div id="content" class="site-content"><main id="main">
<article class="post type-post">
<header class="entry-header"><span class="cat-links"><a href="/category/economy/">{E(c['section'])}</a></span>
<h1 class="entry-title">{E(c['title'])}</h1>
<p class="entry-summary">{E(c['lede'])}</p>
<div class="entry-meta"><span class="byline">by <span class="author vcard"><a class="url fn n" href="/author/lena-hartmann/">{E(c['authors'][0])}</a></span></span>
<span class="posted-on"><time class="entry-date published" datetime="{c['published_at']}">{shown_date(c, '%d %B %Y')}</time></span>
<span class="reading-time">4 min read</span></div></header>
<div class="entry-content">
{paras(c, insert_after=5, insert='<div class="wp-block-group newsletter-box"><p><strong>Like what you read?</strong> Get The Rhine Review in your inbox every Friday.</p><form><input type="email" placeholder="Your email"><button>Sign up</button></form></div>')}
</div>
<footer class="entry-footer"><span class="tags-links">Tagged <a href="/tag/steel/">steel</a>, <a href="/tag/hydrogen/">hydrogen</a>, <a href="/tag/subsidies/">subsidies</a></span>
{SHARE.format(cls='sharedaddy', u=E(c['url']))}</footer>
</article>
<div class="author-box"><p>Lena Hartmann covers industry and energy from Düsseldorf.</p></div>
{related('You may also like', [('/2025/10/chemical-industry-gas-prices/', 'Chemical makers warn gas prices will cost jobs'), ('/2025/09/eu-steel-safeguards/', 'EU to tighten steel safeguards from 2026')], 'jp-relatedposts')}
<div id="comments" class="comments-area"><h2 class="comments-title">3 thoughts on this post</h2><ol class="comment-list"><li><p>Finally some clarity for Duisburg. - Uwe</p></li><li><p>Another subsidy race we cannot win. - M. Fischer</p></li></ol></div>
</main><aside class="widget-area"><section class="widget"><h2>Recent posts</h2><ul><li><a href="/2025/10/ecb-holds/">ECB holds rates again</a></li></ul></section></aside></div>
<footer class="site-footer"><p>&copy; 2025 The Rhine Review &middot; Proudly powered by WordPress</p></footer></div>
</body></html>
"""


def tass(c):
    site = "TASS"
    return head(c, site) + f"""<body class="page page--news">
{COOKIE.format(cls='cookie-banner')}
<header class="header"><a class="header__logo" href="/"><img src="/img/blocks/common/tass_logo_en.svg" alt="TASS"></a>
{nav(['Russian Politics & Diplomacy', 'World', 'Business & Economy', 'Military & Defense', 'Science & Space', 'Emergencies', 'Society & Culture', 'Sports'], 'menu')}</header>
<div class="layout"><aside class="layout__left"><div class="feed"><div class="feed__title">All news</div><ul>
<li><a href="/economy/2011870"><span>11:30</span> Russian Far East ports handle 5% more cargo in January-August</a></li>
<li><a href="/politics/2011866"><span>11:21</span> Kremlin comments on upcoming contacts with Washington</a></li></ul></div></aside>
<main class="layout__main"><div class="breadcrumbs"><a href="/">Home</a> / <a href="/economy">{E(c['section'])}</a></div>
<article class="news"><div class="news-header">
<time class="news-header__date" datetime="{c['published_at']}">{shown_date(c, '%d %b, %H:%M').upper()}</time>
<h1 class="news-header__title">{E(c['title'])}</h1>
<div class="news-header__lead">{E(c['lede'])}</div></div>
<div class="text-content">
{paras(c, insert_after=5, insert='<div class="text-include" data-type="read-also"><span class="text-include__label">Read also</span><a href="/economy/2011801">EEF 2025: what to expect from the forum in Vladivostok</a></div>')}
</div>
<div class="tags"><a href="/tag/eef">Eastern Economic Forum</a> <a href="/tag/china">China</a></div>
{SHARE.format(cls='share', u=E(c['url']))}
</article>
{related('Read more', [('/economy/2011790', 'Putin to hold talks with Chinese leadership at EEF'), ('/economy/2011755', 'Trade between Russia and Malaysia up 20% in 2024')], 'related-news')}
</main></div>
<footer class="footer"><p>TASS Russian News Agency. Certificate of mass media registration. &copy; TASS 1999-2025.</p></footer>
</body></html>
"""


def reuters(c):
    site = "Reuters"
    authors = " and ".join(f'<a href="/authors/{a.lower().replace(" ", "-")}/" rel="author">{E(a)}</a>' for a in c["authors"])
    body = []
    for i, p in enumerate(c["paras"]):
        body.append(f'<div data-testid="paragraph-{i}" class="text__text__1FZLe article-body__paragraph__2-BtD">{E(p, quote=False)}</div>')
        if i == 4:
            body.append('<div class="article-body__ad-slot" data-testid="ResponsiveAdSlot"><div id="ad-mid-1"></div></div>')
    body = "\n".join(body)
    return head(c, site, '<meta name="twitter:site" content="@Reuters">') + f"""<body>
<div id="onetrust-consent-sdk">{COOKIE.format(cls='ot-sdk-container')}</div>
<a class="skip-link" href="#main-content">Skip to main content</a>
<header class="site-header"><a href="/" class="site-header__logo" aria-label="Reuters home"><svg role="img"><title>Reuters</title></svg></a>
{nav(['World', 'Business', 'Markets', 'Sustainability', 'Legal', 'Breakingviews', 'Technology', 'Investigations'], 'nav-bar')}
<div class="site-header__utils"><a href="/account/sign-in/">Sign In</a> <a href="/account/register/" class="register">Register</a></div></header>
<main id="main-content" class="regular-article-layout__main">
<article class="article__container">
<header class="article-header"><nav class="article-header__tags"><a href="/world/">World</a> <a href="/world/americas/">{E(c['section'])}</a></nav>
<h1 data-testid="Heading">{E(c['title'])}</h1>
<div class="article-header__meta"><div data-testid="AuthorByline" class="author-name">By {authors}</div>
<time class="article-header__date" datetime="{c['published_at']}"><span>{shown_date(c, '%B %-d, %Y')}</span><span>{shown_date(c, '%-I:%M %p')} UTC</span><span>Updated 2 hours ago</span></time></div>
{SHARE.format(cls='article-header__share share-list', u=E(c['url']))}</header>
<figure class="primary-image"><img src="/resizer/v2/IMF-ARGENTINA-0303.jpg?width=960" alt=""><figcaption>The International Monetary Fund headquarters building is seen in Washington, U.S., February 24, 2025. REUTERS/Staff/File Photo <a href="https://www.reutersagency.com/en/licensereuterscontent/">Purchase Licensing Rights</a></figcaption></figure>
<div class="article-body__content" data-testid="ArticleBody">
{body}
</div>
<p class="sign-off" data-testid="SignOffLine">Reporting by {' and '.join(E(a) for a in c['authors'])}; Editing by Rosalind Pemberton</p>
<div class="article-body__trust"><a href="https://www.thomsonreuters.com/en/about-us/trust-principles.html">Our Standards: The Thomson Reuters Trust Principles.</a></div>
</article>
{related('Read Next', [('/markets/currencies/argentina-peso-bonds-2025-03-03/', 'Argentine bonds edge up as investors await IMF details'), ('/world/americas/brazil-central-bank-rates-2025-03-01/', 'Brazil central bank signals another rate hike')], 'read-next')}
</main>
<footer class="site-footer"><p>All quotes delayed a minimum of 15 minutes.</p><p>&copy; 2025 Reuters. All rights reserved</p><a href="/info-pages/terms-of-use/">Terms of Use</a></footer>
</body></html>
"""


def ap(c):
    site = "AP News"
    byline = " and ".join(f'<a class="Link" href="https://apnews.com/author/{a.lower().replace(" ", "-")}">{E(a.upper())}</a>' for a in c["authors"])
    return head(c, site) + f"""<body class="Page-body">
{COOKIE.format(cls='fc-consent-root')}
<header class="Page-header"><a class="Page-header-logo" href="/"><img src="/images/ap-logo.svg" alt="AP Logo"></a>
{nav(['World', 'U.S.', 'Politics', 'Sports', 'Entertainment', 'Business', 'Science', 'Fact Check', 'Oddities'], 'Page-header-navigation')}
<a class="Page-header-donate" href="/donate">Donate</a></header>
<main class="Page-main"><div class="Page-content">
<div class="Page-breadcrumbs"><a href="/world-news">{E(c['section']).upper()}</a></div>
<h1 class="Page-headline">{E(c['title'])}</h1>
<div class="Page-byline"><div class="Page-authors">By {byline}</div>
<bsp-timestamp data-timestamp="{c['published_at']}"><span>Updated {shown_date(c, '%-I:%M %p')} EST, {shown_date(c, '%B %-d, %Y')}</span></bsp-timestamp></div>
{SHARE.format(cls='Page-actions', u=E(c['url']))}
<figure class="Figure"><img src="/images/scarborough-water-cannon.jpg" alt=""><figcaption class="Figure-caption">In this photo provided by the Philippine Coast Guard, a Chinese coast guard ship uses a water cannon near Scarborough Shoal on Monday, Feb. 17, 2025. (Philippine Coast Guard via AP)</figcaption></figure>
<div class="RichTextStoryBody RichTextBody">
{paras(c, insert_after=6, insert='<div class="Advertisement"><span>Advertisement</span><div class="htlad-InContent_1"></div></div>')}
</div>
<p class="Page-below">Find more of AP&#8217;s Asia-Pacific coverage at <a href="https://apnews.com/hub/asia-pacific">https://apnews.com/hub/asia-pacific</a></p>
</div>
{related('Most read', [('/article/typhoon-taiwan-evacuations', 'Taiwan evacuates thousands as typhoon nears'), ('/article/japan-rice-prices', 'Japan to release rice reserves as prices soar')], 'PageListRightRailA')}
</main>
<footer class="Page-footer"><p>Copyright 2025 The Associated Press. All Rights Reserved.</p><a href="/termsofuse">Terms of Use</a> <a href="/privacy-policy">Privacy Policy</a></footer>
</body></html>
"""


def xinhua(c):
    site = "Xinhua"
    return head(c, site) + f"""<body>
<div class="header"><div class="logo"><a href="https://english.news.cn/"><img src="/imgs/xinhua-logo.png" alt="Xinhua"></a></div>
{nav(['China', 'World', 'Business', 'Sci-Tech', 'Culture', 'Sports', 'Photos', 'Video', 'Opinions'], 'nav')}
<form class="search" action="/search"><input type="text" name="keyword"></form></div>
<div class="main clearfix"><div class="conLeft">
<div class="head-line clearfix"><h1><span class="title">{E(c['title'])}</span></h1>
<div class="wz-zuozhe">Source: Xinhua</div>
<div class="header-time"><span class="year"><em>{shown_date(c, '%Y')}</em></span><span class="day"><em>{shown_date(c, '%m')}</em>/<em>{shown_date(c, '%d')}</em></span><span class="time">{shown_date(c, '%H:%M:%S')}</span></div>
{SHARE.format(cls='share', u=E(c['url']))}</div>
<div id="detail"><div id="detailContent">
{paras(c)}
</div>
<div class="editor">[Editor: Wang Jiayi]</div></div>
{related('Related', [('/20250104/a1b2c3/c.html', "China's central bank pledges moderately loose monetary policy"), ('/20250103/d4e5f6/c.html', 'China expands consumer goods trade-in program for 2025')], 'relatedNews')}
</div>
<div class="conRight"><div class="tit">Most Viewed</div><ul><li><a href="/20250105/x/c.html">Harbin ice festival opens to visitors</a></li></ul></div></div>
<div class="foot"><p>Copyright &copy; 2000 - 2025 XINHUANET.com All rights reserved.</p></div>
</body></html>
"""


def anadolu(c):
    site = "Anadolu Ajansı"
    return head(c, site) + f"""<body>
{COOKIE.format(cls='cookie-policy')}
<header class="aa-header"><a class="logo" href="/en"><img src="/Content/images/aa-logo-en.svg" alt="Anadolu Ajansı"></a>
{nav(['Türkiye', 'World', 'Politics', 'Economy', 'Energy', 'Sports', 'Analysis', 'Info'], 'navbar-nav')}
<div class="language"><a href="/tr">TR</a> <a href="/en" class="active">EN</a> <a href="/ar">AR</a> <a href="/ru">RU</a></div></header>
<div class="container detay-container"><div class="row"><div class="col-md-9">
<div class="detay-spot-category"><a href="/en/energy">{E(c['section'])}</a></div>
<h1>{E(c['title'])}</h1>
<h4>{E(c['lede'])}</h4>
<div class="detay-bg"><span class="author"><a href="/en/p/zehra-aydogan">{E(c['authors'][0])}</a></span> &nbsp;|&nbsp; <span class="tarih">{shown_date(c, '%d.%m.%Y')} - Update : {shown_date(c, '%d.%m.%Y')}</span></div>
{SHARE.format(cls='detay-paylas', u=E(c['url']))}
<div class="detay-foto"><img src="/uploads/userFiles/tanap-signing.jpg" alt=""><span class="foto-alt">File photo</span></div>
<div class="detay-icerik">
{paras(c, insert_after=5, insert='<div class="detay-reklam"><span>Advertisement</span></div>')}
</div>
<p class="detay-not">Anadolu Agency website contains only a portion of the news stories offered to subscribers in the AA News Broadcasting System, and in summarized form. Please contact us for subscription options.</p>
</div>
<div class="col-md-3"><div class="latest"><h3>Latest</h3><ul><li><a href="/en/energy/oil/brent-steady/48210">Brent steady as markets weigh supply outlook</a></li></ul></div></div></div>
{related('Related news', [('/en/energy/natural-gas/akkuyu-first-unit/48190', 'Akkuyu nuclear plant first unit nears commercial operation'), ('/en/energy/natural-gas/sakarya-phase-two/48102', 'Sakarya field second phase to double output')], 'related-news')}
</div>
<footer class="aa-footer"><p>&copy; Anadolu Ajansı 2025</p><a href="/en/p/privacy">Privacy Policy</a></footer>
</body></html>
"""


def newspaper(c):
    site = "The Bristol Courier"
    newsletter = ('<aside class="newsletter-signup"><h3>Get the Courier Daily</h3><p>The day\'s top Bristol stories, '
                  'straight to your inbox every morning.</p><form action="/newsletters"><input type="email" '
                  'placeholder="Enter your email"><button type="submit">Sign me up</button></form>'
                  '<p class="small">By signing up you agree to our privacy notice.</p></aside>')
    return head(c, site) + f"""<body class="article-page">
{COOKIE.format(cls='consent-overlay')}
<div class="top-bar"><span class="today">{shown_date(c, '%A %-d %B %Y')}</span> <a href="/subscribe">Subscribe</a> <a href="/login">Sign in</a></div>
<header class="masthead"><a class="brand" href="/"><img src="/assets/courier-masthead.svg" alt="The Bristol Courier"></a>
{nav(['News', 'Bristol News', 'Sport', 'Business', 'Opinion', "What's On", 'Property', 'Jobs', 'Obituaries'], 'primary-nav')}
<div class="ticker"><strong>Latest:</strong> <a href="/news/m32-closure">M32 to close overnight for resurfacing</a></div></header>
<main class="content"><div class="breadcrumbs"><a href="/news">News</a> &rsaquo; <a href="/news/bristol-news">{E(c['section'])}</a> &rsaquo; <a href="/news/transport">Transport</a></div>
<article class="story">
<h1 class="headline">{E(c['title'])}</h1>
<p class="standfirst">{E(c['lede'])}</p>
<div class="story-meta"><span class="byline">By <a href="/authors/claire-fennimore">{E(c['authors'][0])}</a>, Transport Reporter</span>
<time datetime="{c['published_at']}">{shown_date(c, '%H:%M, %-d %b %Y')}</time></div>
{SHARE.format(cls='share-bar share-bar--top', u=E(c['url']))}
<figure class="lead-image"><img src="/images/westlink-bus-centre.jpg" alt=""><figcaption>A Westlink double-decker in the city centre. Drivers had been due to walk out on Monday (Image: Courier)</figcaption></figure>
<div class="story-body">
{paras(c, insert_after=4, insert=newsletter)}
</div>
<p class="read-more"><strong>Read more:</strong> <a href="/news/bristol-news/clean-air-zone-review-4417102">Clean Air Zone charges to stay for another year</a></p>
<div class="story-tags"><a href="/tag/transport">Transport</a> <a href="/tag/unions">Unions</a> <a href="/tag/bristol">Bristol</a></div>
{SHARE.format(cls='share-bar share-bar--bottom', u=E(c['url']))}
</article>
{related('More from Bristol News', [('/news/bristol-news/temple-meads-upgrade-4416981', 'Temple Meads upgrade to start in January'), ('/news/bristol-news/harbour-festival-crowds-4416870', 'Record crowds for Harbour Festival'), ('/news/bristol-news/school-places-4416755', 'Council warns of secondary school place shortage')], 'related-stories')}
<aside class="most-read"><h3>Most read</h3><ol><li><a href="/news/a">Residents fight plans for 300 homes in Hengrove</a></li><li><a href="/news/b">Pub named best in the South West</a></li></ol></aside>
<section class="comments-teaser"><a href="#comments">12 comments</a></section>
</main>
<footer class="site-footer"><p>&copy; 2025 The Bristol Courier. Registered in England and Wales.</p><a href="/contact">Contact us</a> <a href="/privacy">Privacy notice</a> <a href="/cookies">Cookie settings</a></footer>
</body></html>
"""


LAYOUTS = dict(interfax=interfax, kyodo=kyodo, yonhap=yonhap, pti=pti, afp=afp, upi=upi, blog=blog, tass=tass,
               reuters=reuters, ap=ap, xinhua=xinhua, anadolu=anadolu, newspaper=newspaper)


def gold(c):
    return {
        "url": c["url"],
        "article": {"title": c["title"], "lede": c.get("lede"), "body": "\n\n".join(c["paras"]),
                    "authors": c["authors"], "published_at": c["published_at"],
                    "dateline": c["dateline"], "language": "en"},
        "quotes": [{"text": t, "speaker": s, "kind": k} for t, s, k in c["quotes"]],
        "entities": c["entities"],
    }


def main():
    for c in CASES:
        (HERE / f"{c['name']}.html").write_text(LAYOUTS[c["layout"]](c), encoding="utf-8")
        (HERE / f"{c['name']}.gold.json").write_text(
            json.dumps(gold(c), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(c["name"], len(" ".join(c["paras"]).split()), "words,",
              sum(k != "indirect" for _, _, k in c["quotes"]), "quoted +",
              sum(k == "indirect" for _, _, k in c["quotes"]), "indirect")


if __name__ == "__main__":
    main()
