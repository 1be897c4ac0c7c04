"""Build the bundled ``semiconductors`` network from the sourced tables in this file.

Run ``python supplychain/data/semiconductors/build.py`` to rewrite the CSV files and README.md
beside this script; ``write(folder)`` writes them elsewhere. The output is deterministic: the
shipped files are exactly what this script writes (``tests/test_bundled_network.py`` checks it).

Every figure carries a key into ``SOURCES``; ``est`` marks an estimate of this project, derived as
the README explains. The published country shares the data is checked against live in
``VALIDATION``; the README's validation table is generated from it, so the two cannot drift.
"""

from __future__ import annotations

import csv
import io
import math
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
HEADROOM = 1.2
"""Derived supplier capacity = normal demand on it x HEADROOM (suppliers run at ~83 % utilisation)."""

# =============================================================================================
# sources
# =============================================================================================

SOURCES: dict[str, tuple[str, str, str, str]] = {
    # key: (author, title, year, url)
    "siabcg2021": (
        "Varas, Varadarajan, Goodrich, Yinug (BCG and SIA)",
        "Strengthening the Global Semiconductor Supply Chain in an Uncertain Era",
        "2021",
        "https://www.semiconductors.org/strengthening-the-global-semiconductor-supply-chain-in-an-uncertain-era/",
    ),
    "siabcg2021chart": (
        "BCG and SIA (2019 data), as charted by datawrapper",
        "% logic wafer fabrication capacity by region, 2019",
        "2021",
        "https://datawrapper.dwcdn.net/DzKhW/1",
    ),
    "siabcg2024": (
        "Varadarajan, Koch-Weser, Richard, Fitzgerald, Singh, Thornton, Casanova, Isaacs (BCG and SIA)",
        "Emerging Resilience in the Semiconductor Supply Chain (2022 sub-10 nm shares as summarised by thincb2b.com)",
        "2024",
        "https://www.bcg.com/publications/2024/emerging-resilience-in-semiconductor-supply-chain",
    ),
    "jogmec_gallium2021": (
        "The Japan Times, reporting JOGMEC figures",
        "Japan consumed 167 t of gallium in 2021 and imported about 97 t, 55 t of it from China (JOGMEC), "
        "in: JOGMEC and Sojitz to study gallium production in Australia, 5 Aug 2025",
        "2025",
        "https://www.japantimes.co.jp/news/2025/08/05/japan/japan-gallium-australia-study",
    ),
    "yomiuri_gallium2023": (
        "The Japan News (Yomiuri Shimbun)",
        "'About 6 Months' of Gallium Stockpiles Held by Japan Firms (4 Aug 2023): about half of the "
        "gallium for the domestic market is supplied by recycling from scrap",
        "2023",
        "https://japannews.yomiuri.co.jp/business/economy/20230804-127579/",
    ),
    "reuters_freiberger2023": (
        "Reuters (L. Burger), as syndicated",
        "World's biggest gallium buyer says clients stockpiling (Jul 2023): Freiberger Compound Materials "
        "relies almost entirely on Chinese suppliers for its gallium and holds several months' worth in stock",
        "2023",
        "https://nasdaqpicks.com/worlds-biggest-gallium-buyer-says-clients-stockpiling-by-reuters/amp",
    ),
    "hzdr2015": (
        "Helmholtz-Zentrum Dresden-Rossendorf, magazine entdeckt 02/2015",
        "Recycling - the kidney as an example: in gallium arsenide wafer production about 60 % of the "
        "gallium falls out as waste, almost half of it goes straight back into production",
        "2015",
        "https://www.hzdr.de/FZD/epaper/entdeckt_2_2015_EN/page28.html",
    ),
    "photronics_xiamen2019": (
        "Converge Digest, reporting Photronics' announcement",
        "Photronics opens manufacturing facilities in China: the Xiamen IC photomask facility (40 nm and "
        "28 nm, 14 nm to follow) as a local supplier to the China IC industry; Hefei for flat-panel masks",
        "2019",
        "https://www.convergedigest.com/2019/04/photronics-opens-manufacturing.html",
    ),
    "asml_refurb2023": (
        "ASML Holding N.V.",
        "Revitalization through refurbishment (news story): about 95 % of ASML lithography systems sold "
        "in the past 30 years are still active in the field; more than 5,000 machines at the end of 2022",
        "2023",
        "https://www.asml.com/en/news/stories/2023/revitalization-through-refurbishment",
    ),
    "smic_2024q4": (
        "Semiconductor Manufacturing International Corporation (SMIC)",
        "SMIC Reports 2024 Fourth Quarter Results: revenue 2024 USD 8,029.9 million against USD 6,321.6 "
        "million in 2023",
        "2025",
        "https://www.smics.com/en/site/news_read/7783",
    ),
    "eto2024": (
        "Emerging Technology Observatory (CSET), CC BY-NC 4.0",
        "Advanced Semiconductor Supply Chain Dataset, provision.csv: CSET analysis of TechInsights "
        "2024 data (tool market shares by company and country)",
        "2025",
        "https://github.com/georgetown-cset/eto-chip-explorer/blob/8a926c18b026c38d170a3b3c08f1dfaebd2fa35e/data/provision.csv",
    ),
    "eto2025": (
        "Emerging Technology Observatory (CSET), CC BY-NC 4.0",
        "Advanced Semiconductor Supply Chain Dataset, provision.csv (shares) and inputs.csv (market sizes): "
        "CSET analysis of TechInsights 2025 data, published by TechInsights on 3 July 2026 (tool market "
        "shares by company and country; crystal growing furnaces 2022 data)",
        "2026",
        "https://github.com/georgetown-cset/eto-chip-explorer/blob/9b726243705f806ee9154d0aea2a01af39aad884/data/provision.csv",
    ),
    "cset2021": (
        "Khan, Mann, Peterson (CSET), via the ETO dataset (CC BY-NC 4.0)",
        "The Semiconductor Supply Chain: Assessing National Competitiveness (2019 shares: EDA, "
        "core IP, wafers, photomasks)",
        "2021",
        "https://cset.georgetown.edu/publication/the-semiconductor-supply-chain/",
    ),
    "eto2022stages": (
        "Emerging Technology Observatory (CSET), CC BY-NC 4.0",
        "Advanced Semiconductor Supply Chain Dataset: stage shares 2022 (assembly, testing and packaging by country)",
        "2025",
        "https://github.com/georgetown-cset/eto-chip-explorer/blob/8a926c18b026c38d170a3b3c08f1dfaebd2fa35e/data/provision.csv",
    ),
    "asml2023": (
        "ASML Holding N.V.",
        "Q4/FY2023 results: 449 lithography systems sold (new and used); 2023 net sales by customer "
        "location (China EUR 7.25 bn of EUR 27.56 bn)",
        "2024",
        "https://www.sec.gov/Archives/edgar/data/937966/000093796624000003/financialstatementsusgaapq.htm",
    ),
    "trendforce_dram": (
        "TrendForce",
        "DRAM industry revenue 4Q23: Samsung 45.5 %, SK hynix 31.8 %, Micron 19.2 %",
        "2024",
        "https://trendforce.com/presscenter/news/20240305-12060.html",
    ),
    "trendforce_hbm": (
        "TrendForce",
        "HBM supply leader SK hynix's market share to exceed 50 % in 2023 (SK hynix 53 %, Samsung 38 %, Micron 9 %)",
        "2023",
        "https://iconnect007.com/article/136045/hbm-supply-leader-sk-hynixs-market-share-to-"
        "exceed-50-in-2023-due-to-demand-for-ai-servers/136048/ein",
    ),
    "trendforce_nand": (
        "TrendForce (as reported by e4ds)",
        "NAND flash market share 1Q24: Samsung 36.7 %, SK Group 22.2 %, Kioxia 12.4 %, "
        "Micron 11.7 %, WDC 11.6 %, others 5.4 %",
        "2024",
        "https://e4ds.com/sub_view.asp?ch=2&t=0&idx=19063",
    ),
    "etnews2019": (
        "ETNews (Electronic Times, Seoul)",
        "Japanese Government approved supply of EUV photoresist and etching gas to South Korean businesses "
        "(9 Aug 2019): about 90 % of EUV photoresist is supplied by Japanese businesses",
        "2019",
        "http://english.etnews.com/20190809200001",
    ),
    "japantimes_resist2019": (
        "The Japan Times",
        "Export controls on South Korea worry Japanese makers of semiconductor materials (2 Jul 2019): "
        "cutting-edge EUV resists will mainly be subjected to the tighter export controls",
        "2019",
        "https://www.japantimes.co.jp/news/2019/07/02/business/export-controls-south-korea-worry-japanese-makers-semiconductor-materials/",
    ),
    "nikkei_resist": (
        "Nikkei, as reported by TrendForce News",
        "Japan ramps up photoresist investment: Japanese makers hold about 91 % of the global photoresist market",
        "2025",
        "https://www.trendforce.com/news/?p=47920",
    ),
    "japantimes2019": (
        "The Japan Times",
        "Japanese manufacturers use decades of experience to dominate key chemical market "
        "(TOK, JSR, Shin-Etsu ~90 % of EUV resists)",
        "2019",
        "https://japantimes.co.jp/news/2019/10/09/business/japanese-manufacturers-use-decades-"
        "experience-dominate-key-chemical-market-cutting-edge-chips",
    ),
    "yomiuri2019": (
        "The Japan News (Yomiuri Shimbun), via Fluoride Action Network",
        "Japan invokes export controls against S. Korea (Korea holds about one month of reserves "
        "of the three materials; Japan holds 70 % to nearly 100 % of their world market)",
        "2019",
        "https://fluoridealert.org/news/japan-invokes-export-controls-against-s-korea/",
    ),
    "businesskorea2019": (
        "BusinessKorea (citing Kyodo News and Japan's Ministry of Finance)",
        "Tokyo's export curbs increasingly affecting Korean firms (Korea's reliance on "
        "Japanese hydrogen fluoride 44.6 % in H1 2019; over 90 % for FPI and resists)",
        "2019",
        "http://www.businesskorea.co.kr/news/articleView.html?idxno=35511",
    ),
    "motie2021": (
        "Korea Ministry of Trade, Industry and Energy, via ChinaFlashMarket",
        "HF imports from Japan fell from 32.2 % to 12.8 % of Korea's HF imports (2018-2020); "
        "Soulbrain doubled 12N HF output",
        "2021",
        "https://en.chinaflashmarket.com/news/view?id=13870",
    ),
    "reuters_neon2022": (
        "Reuters (figures from Ingas, Cryoin and Techcet), as reported by TechHQ",
        "Ukraine's two neon suppliers (45-54 % of semiconductor-grade neon) halt output; "
        "large chipmakers hold two months or more of stock",
        "2022",
        "http://dev.techhq.com/2022/03/heres-how-the-attacks-on-ukraine-aggravate-the-chips-shortage/",
    ),
    "fr2022": (
        "US Bureau of Industry and Security",
        "Implementation of Additional Export Controls: Certain "
        "Advanced Computing and Semiconductor Manufacturing Items (87 FR 62186)",
        "2022",
        "https://www.federalregister.gov/d/2022-21658",
    ),
    "fr2023": (
        "US Bureau of Industry and Security",
        "Export Controls on Semiconductor Manufacturing Items "
        "(88 FR 73424; removes 3B090 and folds it into 3B001/3B002)",
        "2023",
        "https://www.govinfo.gov/content/pkg/FR-2023-10-25/html/2023-23049.htm",
    ),
    "fr2024": (
        "US Bureau of Industry and Security",
        "Foreign-Produced Direct Product Rule Additions, and "
        "Refinements to Controls for Advanced Computing and Semiconductor Manufacturing Items "
        "(89 FR 96790; HBM under 3A090.c)",
        "2024",
        "https://www.govinfo.gov/content/pkg/FR-2024-12-05/html/2024-28270.htm",
    ),
    "nvidia_specs": (
        "NVIDIA",
        "H100 / A100 / H20 / B200 data sheets (dense FP8/FP16 throughput, die area, "
        "NVLink bandwidth); TPP = dense TOPS x bit length (EAR 3A090 note)",
        "2024",
        "https://www.nvidia.com/en-us/data-center/h100/",
    ),
    "intel_ims2023": (
        "Intel Corporation (press release of 12 September 2023, as reported by Reuters and RTTNews)",
        "Intel to sell approximately 10 % of IMS Nanofabrication to TSMC (IMS valued at about USD 4.3 bn); "
        "approximately 20 % sold to Bain Capital (announced June 2023); Intel retains majority ownership",
        "2023",
        "https://www.nasdaq.com/articles/intel-to-divest-about-10-stake-in-ims-nanofabrication-business-to-tsmc",
    ),
    "hygon_2025q1": (
        "Hygon Information Technology (2025 first-quarter report, top shareholders), as reported in the "
        "news of the Hygon-Sugon merger plan of 25 May 2025",
        "Sugon (Dawning Information Industry) is Hygon's largest shareholder with 27.96 % of its shares "
        "at the end of Q1 2025",
        "2025",
        "https://www.0318hs.cn/News/IC/20250526-38522.html",
    ),
    "wiseroad_utac": (
        "South China Morning Post (14 July 2021); Reuters (May 2025, as reprinted)",
        "UTAC's Singapore factory was bought by Wise Road Capital, a Beijing-based private equity firm, "
        "which in May 2025 was still UTAC's owner and running a sale process",
        "2021-2025",
        "https://www.scmp.com/tech/tech-war/article/3141101/chinese-semiconductor-buyout-fund-says-it-follows-market-logic-not",
    ),
    "nvidia_8k": (
        "NVIDIA Corporation",
        "Form 8-K of 17 October 2023: principal executive offices 2788 San Tomas Expressway, Santa Clara, "
        "California (the headquarters of the owner of the Israel-1 system)",
        "2023",
        "https://www.sec.gov/Archives/edgar/data/1045810/000104581023000217/0001045810-23-000217.txt",
    ),
    "tsmc_about2023": (
        "TSMC",
        "About TSMC: annual capacity of the facilities managed by TSMC and its subsidiaries exceeded "
        "16 million 12-inch equivalent wafers in 2023 [verified: read in the stored company page]",
        "2024",
        "https://www.tsmc.com/english/aboutTSMC",
    ),
    "tsmc_gigafab2023": (
        "TSMC",
        "GIGAFAB Facilities: the four 12-inch GIGAFABs (Fab 12, 14, 15, 18) exceeded 12 million "
        "12-inch wafers in 2023 [verified: read in the stored company page]",
        "2024",
        "https://www.tsmc.com/japanese/dedicatedFoundry/manufacturing/gigafab",
    ),
    "knometa2022": (
        "Knometa Research, as printed by Evertiq",
        "Global Wafer Capacity 2022: installed capacity at Dec 2021, Samsung 4 050 K, SK hynix 1 982 K, "
        "Micron 2 054 K, Kioxia/WD 1 328 K 200 mm-eq. wafers per month [verified: table read in the "
        "Evertiq reprint; Knometa's report is paywalled]",
        "2022",
        "https://evertiq.com/news/51743",
    ),
    "icinsights2019": (
        "IC Insights, as reported by EE India",
        "Over half of global wafer capacity held by five companies: about two-thirds of Samsung's "
        "capacity is used for DRAM and NAND (Dec 2019) [verified in the reprint; its use for Dec 2021 "
        "is secondhand]",
        "2019",
        "https://www.eetindia.co.in/over-half-of-global-wafer-capacity-held-by-five-companies/",
    ),
    "icinsights2021": (
        "IC Insights, as reported by Digitimes",
        "Global Wafer Capacity 2021-2025: Dec 2020 capacity, Intel 884 K and UMC 772 K 200 mm-eq. "
        "wafers per month [verified: read in the stored press release]",
        "2021",
        "https://digitimes.com/news/a20210217PR200.html",
    ),
    "chosun2024": (
        "Chosun Ilbo, citing industry sources",
        "Samsung caps NAND wafer input at about 1.2 M a quarter, against more than 2 M a quarter at "
        "full utilisation (about 670 K 300 mm wafers a month) [secondhand]",
        "2024",
        "https://chosun.com/english/industry-en/2024/04/16/THGLXPZW5BHDJM5ZBDF5OTGM3Y",
    ),
    "smic2024": (
        "SMIC Q4/FY2024 results, as reported by Zhitong (gmteight) and Digitimes",
        "Monthly capacity 948 K 8-inch-equivalent wafers at the end of 2024; 8.02 M 8-inch eq. shipped "
        "in 2024 [secondhand: SMIC's own release not read]",
        "2025",
        "https://gmteight.com/content/detail/231252",
    ),
    "huahong2024": (
        "Hua Hong Semiconductor Q2 2024 results, as summarised in a broker report (reportify.ai)",
        "Total monthly capacity 391 K 8-inch-equivalent wafers; Fab 7 (Wuxi, 12-inch) 94.5 K wafers a "
        "month [secondhand]",
        "2024",
        "https://www.reportify.ai/reports/1020124724342165504",
    ),
    "gf2022q3": (
        "GlobalFoundries",
        "GlobalFoundries Reports Third Quarter 2022 Financial Results: record 637 K 300 mm-equivalent "
        "wafer shipments in the quarter [verified: press release read; shipments, a lower bound on "
        "capacity]",
        "2022",
        "https://gf.com/gf-press-release/globalfoundries-reports-third-quarter-2022-financial-results/",
    ),
    "yole_ymtc": (
        "Yole Group, as reported by eeNews (reprint)",
        "YMTC's wafer ramp-up is effectively capped at 115 K to 120 K wafers per month after the "
        "October 2022 entity listing [secondhand]",
        "2023",
        "https://sportingrareart.com/news/china-is-not-backing-down-on-memory-says-yole",
    ),
    "omdia_cxmt": (
        "Omdia, as reported by ChosunBiz",
        "CXMT DRAM wafer input: 1.62 M wafers in 2024, 2.73 M in 2025 (300 mm) [secondhand: Omdia is paywalled]",
        "2025",
        "https://biz.chosun.com/en/en-it/2025/07/21/QQNKFDZA4BFBJIEQV32UMFSUDE/",
    ),
    "ti_rfab2004": (
        "Fabtech (fabtech.org)",
        "TI to officially open RFAB for 300 mm analog IC production: planned capacity 30 000 wafer "
        "starts per month [verified but historical: an order of magnitude for one 300 mm analog fab]",
        "2009",
        "http://www.fabtech.org/news/_a/ti_to_officially_open_rfab_for_300mm_analog_ic_production/",
    ),
    "semi_fab2024": (
        "SEMI (World Fab Forecast), release reprinted by Evertiq",
        "Global semiconductor capacity projected to reach a record 30 million wafers per month in "
        "2024: 29.6 M 200 mm-eq. wafers a month in 2023, DRAM 3.8 M, 3D NAND 3.7 M in 2024 (+2 %); "
        "memory share about 25 % derived [verified: release read in reprints; the share is derived]",
        "2024",
        "https://evertiq.com/news/54999",
    ),
    "sia2024_fab": (
        "Varadarajan et al. (BCG and SIA), as read in the ETO dataset (CSET, CC BY-NC 4.0)",
        "Emerging Resilience in the Semiconductor Supply Chain: share of global fabrication capacity "
        "(logic, memory and DAO) by site location, 2022 (ETO provision.csv stage S2, citing SIA, "
        "perma.cc/GT6R-SWEM) [verified in the ETO data; the SIA exhibit number is secondhand]",
        "2024",
        "https://github.com/georgetown-cset/eto-chip-explorer/blob/9b72624/data/provision.csv",
    ),
    "semi_300mm2025": (
        "SEMI (300mm Fab Outlook), release reprinted by Evertiq",
        "SEMI forecasts 69 % growth in advanced chipmaking capacity through 2028: 7 nm and below "
        "850 K wafers per month in 2024 [verified: release read in reprints]",
        "2025",
        "https://evertiq.com/news/2025-06-26-advanced-chip-capacity-to-surge-69-by-2028-on-ai-demand",
    ),
    # --- capacity-expansion options in the consortium's member countries (docs/research/expansions) ---
    "infineon_kulim2024": (
        "Infineon Technologies (press release of 8 Aug 2024, reprinted by Evertiq); EUR 2 bn revenue potential "
        "from Infineon's announcement of 17 Feb 2022",
        "Infineon opens the first phase of Kulim 3, a 200 mm SiC power fab in Kulim, Malaysia (EUR 2 bn)",
        "2024",
        "https://evertiq.com/design/56163",
    ),
    "eenews_kulim2024": (
        "eeNews Europe (Infineon FY2024 results, CEO Jochen Hanebeck); phase 2 announced by Infineon on 3 Aug 2023",
        "Infineon delays Kulim fab expansion: phase 2 of Kulim 3 (up to EUR 5 bn) postponed",
        "2024",
        "https://www.eenewseurope.com/en/infineon-delays-kulim-fab-expansion/",
    ),
    "malaymail_intel2025": (
        "Bernama via Malay Mail (Prime Minister Anwar Ibrahim after meeting Intel's CEO)",
        "Intel commits extra RM860m as Malaysia becomes its assembly and test hub (Penang advanced packaging "
        "factory, RM12 bn, 99 % complete), 1 Dec 2025",
        "2025",
        "https://www.malaymail.com/news/malaysia/2025/12/01/intel-commits-extra-rm860m-as-malaysia-becomes-its-"
        "assembly-and-test-hub-says-anwar/200412",
    ),
    "amkor_bacninh2021": (
        "Amkor Technology (press release of 4 Nov 2021, Business Wire reprint); USD 1.6 bn to 2035 and USD 520 M "
        "for phase 1 from Bac Ninh province via VNA (VietnamPlus, 11 Oct 2023)",
        "Amkor Technology announces plans to expand advanced packaging capacity with a new factory in Bac Ninh, "
        "Vietnam",
        "2021",
        "https://www.eagletribune.com/region/amkor-technology-announces-plans-to-expand-advanced-packaging-"
        "technology-capacity-with-new-factory-in-bac/article_cb9b46a1-ebc1-53ad-9a53-b5c5eab40d3e.html",
    ),
    "fpt_aifactory2024": (
        "FPT Smart Cloud (company page); FPT-NVIDIA joint statement of 23 Apr 2024",
        "FPT AI Factory: a USD 200 million bet on sovereign AI (H100/H200 HGX, online from late 2024)",
        "2025",
        "https://fptcloud.com/en/fpt-ai-factory-200-million-bold-bet-on-sovereign-ai",
    ),
    "taipeitimes_foxconn2025": (
        "Taipei Times (Bloomberg interview with Jalisco governor Pablo Lemus); Foxconn Tech Day, 8 Oct 2024",
        "Foxconn's GB200 server plant in Guadalajara, Mexico: two phases, about USD 900 million, opening late 2025 "
        "or early 2026",
        "2025",
        "https://www.taipeitimes.com/News/biz/archives/2025/03/05/2003832879",
    ),
    "coatlicue2025": (
        "Estadão Conteúdo via Acessa (President Sheinbaum's press conference with ATDT head José Merino)",
        "Mexico announces the 'Coatlicue' public supercomputer: 14,480 GPUs, 314 PF, MXN 6 bn, built from "
        "January 2026 over 24 months",
        "2025",
        "https://www.acessa.com/economia/2025/11/297355-mexico-anuncia-plano-de-supercomputador-para-tentar-"
        "tirar-lideranca-do-brasil-na-america-latina.html",
    ),
    "techcentral_cassava2025": (
        "TechCentral (Bloomberg interview with Cassava CEO Hardy Pemhiwa); Cassava press release of 24 Mar 2025",
        "Cassava's African AI factory: 3,000 NVIDIA GPUs in South Africa first, of 12,000 for Africa, up to "
        "USD 720 million",
        "2025",
        "https://techcentral.co.za/cassava-african-ai-factory-720-million/261991/",
    ),
    "itweb_cassava2025": (
        "ITWeb (Strive Masiyiwa's keynote, Africa Tech Festival, 11 Nov 2025)",
        "Cassava's Cape-based AI factory makes headway: 12,000 GPUs distributed across five sites (ZAF, EGY, KEN, "
        "MAR, NGA)",
        "2025",
        "https://www.itweb.co.za/article/cassavas-cape-based-ai-factory-makes-headway/G98Yd7LGZpBvX2PD",
    ),
    "moneycontrol_indosat2025": (
        "Moneycontrol, summarising The Wall Street Journal (also Tom's Hardware, Selular.id, 17 Nov 2025)",
        "How a Chinese AI firm tapped Nvidia's top chips via Indonesia: Indosat's 32 GB200 NVL72 racks (2,304 "
        "GPUs, about USD 100 million), installed October 2025",
        "2025",
        "https://www.moneycontrol.com/world/how-a-chinese-ai-firm-tapped-nvidia-s-top-chips-via-indonesia-article-"
        "13674006.html",
    ),
    "scbr_pbia2025": (
        "SCBR News (MCTI secretary Henrique Miguel); PBIA plan of 30 Jul 2024 (Telesíntese, Correio da Manhã)",
        "Federal government postpones the purchase of the R$1.8 bn PBIA supercomputer (tender moved to "
        "March/April 2026)",
        "2025",
        "https://scbrnews.com.br/governo-federal-adia-compra-de-supercomputador-de-r-18-bi-por-falta-de-infraestrutura",
    ),
    "bs_indiaai2026": (
        "Business Standard, citing MeitY officials",
        "Govt likely to open bids to onboard nearly 12,000-15,000 Nvidia GPUs (IndiaAI Mission, Blackwell "
        "B100/B200), 8 Jan 2026",
        "2026",
        "https://www.business-standard.com/industry/news/govt-likely-to-open-bids-to-onboard-nearly-12-000-15-"
        "000-nvidia-gpus-126010801270_1.html",
    ),
}

ESTIMATES: dict[str, tuple[str, str]] = {
    # key: (short name, method). Kind `estimate` in sources.csv; the README explains each.
    "est:capacity": (
        "stated capacity",
        "A stated capacity (fab, assembly/test plant, chip or server line, compute centre) at 2023-2024 "
        "levels that allocates the published country and company shares of its segment (the validation "
        "table) to the facilities named.",
    ),
    "est:fab-split": (
        "split of a published total",
        "A published total (the other key of the cell: a company's capacity, or a country's share of a "
        "stage) split across several facilities of the network: fabs by the shares the data README's "
        "Fab capacity section gives, assembly and test plants in proportion to the stage share of "
        "their country (estimates).",
    ),
    "est:headroom": (
        "derived capacity",
        "Capacity derived from the network: normal demand on the facility (sum over its supply edges "
        "of buyer capacity x recipe quantity x share) x 1.2, i.e. about 83 % utilisation.",
    ),
    "est:recovery": (
        "recovery time",
        "Weeks to rebuild or requalify a lost facility, by kind: fabs 130 (building or re-equipping a "
        "fab takes 2-3 years), tool makers and materials 52 (EUV 104), design, EDA/IP and servers 26, "
        "packaging, assembly/test and compute 52.",
    ),
    "est:consumables": (
        "consumable intensity",
        "Use of a consumable per thousand wafer starts by fab class, in supply units (the use of a "
        "28 nm-class logic flow = 1), rising with mask layers at leading nodes.",
    ),
    "est:tool-intensity": (
        "tool purchases per wafer start",
        "A fab's share of the tool type's annual purchases: annual purchases (TOOL_SPEND; ASML's 2023 "
        "system count for lithography; ETO's 2025 market size for the tools added from the 2025 release) "
        "x the fab class weight / sum over fabs of capacity x weight. Tools bought outside the fabs "
        "(mask shops, wafer makers, packaging, HBM and assembly/test lines): annual purchases x the "
        "buyer class's assumed fraction / sum over the class of capacity.",
    ),
    "est:installed-base": (
        "installed base",
        "Weeks a fab keeps producing on its installed tools, spare parts and whatever service it can "
        "still get once new tools, OEM parts and OEM service all stop, by tool class: EUV 26, DUV "
        "lithography 52, deposition (with ALD and epitaxy), etch, tracks and advanced-packaging fab "
        "tools 78, clean, CMP and crystal furnaces and machining 104, implant, metrology (with mask "
        "inspection), mask writers (e-beam and laser), testers and probers/handlers 52, packaging "
        "tools (die attach, dicing, wafer bonding) 104, each new class by analogy with the existing "
        "one named. Basis: about 95 % of ASML systems sold in 30 years "
        "are still in use (asml_refurb2023); SMIC raised output 27 % in 2024 on a base cut off from "
        "new US tools and US service since October 2022 (smic_2024q4); YMTC ran critical layers on "
        "pre-sanction US tools about two years after US vendors withdrew (secondhand, see "
        "docs/research/tools-materials.md). No source gives a fab-wide time to stop under a total "
        "cut-off: the figures are central estimates, ranges in the research notes.",
    ),
    "est:stock": (
        "inventory",
        "Weeks of normal use held in stock where no published figure was found: wafers 8, specialty "
        "gases and germane 4, photomasks 2, mask blanks 4, germanium at germane makers 8, chips, HBM "
        "and wafers at design lines and servers 4-8 (die banks and component buffers), EDA and IP 26 "
        "(term licences keep working until they expire).",
    ),
    "est:bom": (
        "bill of materials",
        "Units of an input per unit of output downstream of the fabs: good dies per wafer, HBM "
        "stacks per accelerator, CPUs, DRAM and NAND per AI server, transceivers per server, "
        "interposer wafers per CoWoS unit, EDA and IP spend as 2 % and 0.5 % of the chip's price; "
        "materials per unit upstream (polysilicon per wafer, blanks per mask, gallium per substrate).",
    ),
    "est:split": (
        "supplier split",
        "A buyer's split between suppliers where no published company share was found: assumed "
        "shares of the named makers (for germane, the specialty-gas split; for design lines, their "
        "foundry and packaging partners).",
    ),
    "est:value-price": (
        "unit value",
        "Value per unit in USD million: list or typical prices for tools, chips and systems.",
    ),
    "est:value-market": (
        "unit value from market size",
        "Value per unit = the market size (MARKETS_USD_M, USD million a year) / 52 / the modelled "
        "weekly demand for the item.",
    ),
    "est:attributes": (
        "item attributes",
        "Node, TPP, performance density and memory attributes of items without a cited datasheet: "
        "typical values of the class.",
    ),
    "est:qualification": (
        "qualification and certification",
        "Costs (USD), lead times and maximum shares of qualifying a second source or certifying a "
        "supplier: a 5 nm foundry port USD 500 million and 18 months, a server platform USD 10-20 "
        "million and 3-6 months.",
    ),
    "est:expansion-capacity": (
        "capacity of an announced expansion",
        "Units per week added by an announced plant or phase whose owner publishes no unit capacity: from its "
        "stated revenue (Infineon Kulim 3: EUR 2 bn a year at an assumed EUR 6,000 per 200 mm SiC device wafer, "
        "x (200/300)^2 for 300 mm-equivalents), scaled from a sibling phase by capex (Kulim 3 phase 2), from "
        "the units per dollar of the Indian OSATs with stated capacity (15.2 M units a day per USD bn) divided "
        "by 20 for 3D packaging (Intel Penang) or 4 for system-in-package (Amkor Bac Ninh), or +50 % of the "
        "network's derived line for a second building (Foxconn Guadalajara); each row's arithmetic is in "
        "docs/research/expansions/expansions.csv.",
    ),
    "est:expansion-compute": (
        "compute of an announced GPU deployment",
        "Compute brought online by an announced GPU deployment, counted as the network counts compute "
        "(accelerators brought online per week): GPUs x TPP / 15 832 (H100-equivalents) / 52, one year's "
        "deliveries; 1 H100e per GPU where the GPU model is not stated (36 000 / 15 832 for Blackwell B200 "
        "and GB200); where no GPU count is published, GPUs from the stated cost at USD 35 000 per installed "
        "H100-class GPU (FPT) or at Coatlicue's USD 22 600 per GPU (Brazil), and per-site counts of a "
        "multi-site programme as an equal split of what remains (Cassava: (12 000 - 3 000) / 4).",
    ),
    "est:expansion-cost": (
        "cost of an announced deployment",
        "One-off cost not stated for the site: the pro rata share of a stated programme (Cassava's up to USD "
        "720 M for 12 000 GPUs) or GPUs x USD 50 000 all-in per Blackwell GPU (IndiaAI), within the USD 45-60k "
        "per GPU Cassava quotes.",
    ),
    "est:expansion-fx": (
        "currency conversion",
        "A cost stated in euros or reais converted to USD at an approximate market rate on the announcement "
        "date (EUR 1.136 USD on 17 Feb 2022, 1.094 on 3 Aug 2023; BRL 5.65 per USD on 30 Jul 2024); the rates "
        "are not from a cited source, and an error of a few percent is small beside the capacity estimates.",
    ),
    "est:expansion-lead": (
        "time to first output",
        "Weeks from 1 July 2025 (week 0 of the library's mid-2025 scenarios) to the first output of an "
        "announced plant, phase or deployment with no firm date: assumed from the stated schedule (a tender "
        "date plus about 15 months to delivery, six months to deploy after a letter of intent, a postponed "
        "phase not before 2028, 'later stage' sites in mid-2026); 0 when output began before that date.",
    ),
}

LICENSED = "CC BY-NC 4.0"
"""Licence of the ETO-derived figures (their SOURCES author names it)."""

# =============================================================================================
# items
# =============================================================================================
# (id, name, unit, tags, value per unit, attributes, source); value in USD million per unit.

ATTRS = ("node_nm", "tpp", "perf_density", "io_gbps", "hbm_bandwidth_density", "dram_half_pitch_nm", "nand_layers")

ITEMS: list[tuple[str, str, str, str, float | None, dict[str, float], str]] = [
    # --- materials (value None: derived from the market size below) ---
    ("polysilicon", "Electronic-grade polysilicon", "t", "material;polysilicon", 0.05, {}, "est"),
    ("wafer_300mm", "Prime silicon wafers (300 mm equivalent)", "kwafer", "material;wafer", 0.12, {}, "est"),
    ("photoresist", "Photoresist (KrF/ArF/ArFi)", "su", "material;photoresist", None, {}, "est"),
    ("euv_resist", "EUV photoresist", "su", "material;euv_resist;resist;euv;jp_kr_2019", None, {}, "est"),
    (
        "polyimide",
        "Photosensitive polyimide (PSPI) for packaging buffer coats and redistribution layers",
        "su",
        "material;polyimide",
        None,
        {},
        "est",
    ),
    (
        "hydrogen_fluoride",
        "High-purity hydrogen fluoride (etching gas and acid)",
        "su",
        "material;hydrogen_fluoride;jp_kr_2019",
        None,
        {},
        "est",
    ),
    ("neon", "Semiconductor-grade neon (excimer laser gas)", "su", "material;neon;noble_gas", None, {}, "est"),
    ("gallium", "Gallium metal (primary, 4N+)", "t", "material;gallium;critical_mineral", 0.3, {}, "est"),
    ("germanium", "Germanium metal and dioxide", "t", "material;germanium;critical_mineral", 1.3, {}, "est"),
    (
        "germane",
        "Germane (GeH4) for SiGe epitaxy",
        "su",
        "material;germane;specialty_gas",
        None,
        {},
        "est",
    ),
    (
        "specialty_gas",
        "Electronic specialty gases (NF3, WF6, ...; germane is its own item)",
        "su",
        "material;specialty_gas",
        None,
        {},
        "est",
    ),
    ("mask_blank", "Photomask blanks (ArF and EUV)", "su", "material;mask_blank;eccn:3B001.j", None, {}, "est"),
    ("photomask", "Advanced photomasks", "su", "material;photomask", None, {}, "est"),
    (
        "compound_substrate",
        "GaAs / InP compound semiconductor substrates",
        "kwafer",
        "material;compound_substrate;gaas",
        0.3,
        {},
        "est",
    ),
    (
        "abf_substrate",
        "ABF / flip-chip package substrates for large dies",
        "kunit",
        "material;abf_substrate",
        0.1,
        {},
        "est",
    ),
    (
        "euv_optics",
        "EUV projection and illumination optics (one set per scanner)",
        "unit",
        "component;euv_optics;euv",
        40.0,
        {},
        "est",
    ),
    # --- equipment: lithography in tool units, the rest in USD million of tools ---
    (
        "euv_scanner",
        "EUV lithography scanner",
        "unit",
        "sme;lithography;euv;eccn:3B001.f.1",
        180.0,
        {"node_nm": 3},
        "est",
    ),
    (
        "arfi_advanced",
        "ArF immersion scanner, advanced (NXT:2000i and later)",
        "unit",
        "sme;lithography;duv;duv_immersion;arfi_advanced;eccn:3B001.f.1",
        75.0,
        {"node_nm": 7},
        "est",
    ),
    (
        "arfi_mainstream",
        "ArF immersion scanner, mainstream (NXT:1970i/1980i class)",
        "unit",
        "sme;lithography;duv;duv_immersion;arfi_mainstream;eccn:3B993",
        60.0,
        {"node_nm": 28},
        "est",
    ),
    ("arf_dry", "ArF dry scanner", "unit", "sme;lithography;duv;duv_dry;arf_dry", 25.0, {"node_nm": 65}, "est"),
    ("krf_scanner", "KrF scanner", "unit", "sme;lithography;duv;krf", 15.0, {"node_nm": 130}, "est"),
    ("iline_stepper", "i-line stepper", "unit", "sme;lithography;iline", 5.0, {"node_nm": 350}, "est"),
    (
        "resist_track",
        "Resist processing track (coater/developer)",
        "usd_m",
        "sme;lithography;track;eccn:3B993",
        1.0,
        {},
        "est",
    ),
    (
        "dep_advanced",
        "Deposition tools for advanced nodes (advanced CVD and PVD; ALD and epitaxy are own items)",
        "usd_m",
        "sme;deposition;advanced_sme;eccn:3B001;eccn:3B090",
        1.0,
        {"node_nm": 7},
        "est",
    ),
    (
        "dep_mainstream",
        "Deposition tools, mainstream (CVD, PVD, furnaces)",
        "usd_m",
        "sme;deposition;eccn:3B993",
        1.0,
        {"node_nm": 28},
        "est",
    ),
    (
        "etch_advanced",
        "Dry etch tools for advanced nodes and high-aspect-ratio 3D NAND",
        "usd_m",
        "sme;etch;advanced_sme;eccn:3B001;eccn:3B090",
        1.0,
        {"node_nm": 7},
        "est",
    ),
    ("etch_mainstream", "Dry etch tools, mainstream", "usd_m", "sme;etch;eccn:3B993", 1.0, {"node_nm": 28}, "est"),
    ("clean_tool", "Wet etch and cleaning tools", "usd_m", "sme;clean;eccn:3B993", 1.0, {}, "est"),
    ("cmp_tool", "Chemical mechanical planarization tools", "usd_m", "sme;cmp;eccn:3B993", 1.0, {}, "est"),
    ("ion_implanter", "Ion implanters", "usd_m", "sme;implant;eccn:3B993", 1.0, {}, "est"),
    (
        "metrology",
        "Process control: metrology and inspection",
        "usd_m",
        "sme;metrology;inspection;eccn:3B993",
        1.0,
        {},
        "est",
    ),
    (
        "test_equipment",
        "Automatic test equipment (SoC and memory testers)",
        "usd_m",
        "sme;test;backend",
        1.0,
        {},
        "est",
    ),
    (
        "packaging_tool",
        "Die attach for ICs: die bonders, thermo-compression and hybrid bonders",
        "usd_m",
        "sme;packaging;backend;advanced_packaging",
        1.0,
        {},
        "est",
    ),
    ("mask_writer", "Photomask writers (e-beam, multi-beam)", "usd_m", "sme;mask_writer;lithography", 1.0, {}, "est"),
    # --- tools added from the ETO 2025 release (eto2025; ECCN tags left out until checked) ---
    (
        "laser_mask_writer",
        "Photomask writers, laser beam",
        "usd_m",
        "sme;mask_writer;laser_mask_writer;lithography",
        1.0,
        {},
        "est",
    ),
    (
        "mask_inspection",
        "Photomask inspection and repair tools",
        "usd_m",
        "sme;metrology;inspection;mask_inspection",
        1.0,
        {},
        "est",
    ),
    ("ald_tool", "Atomic layer deposition tools", "usd_m", "sme;deposition;ald;advanced_sme", 1.0, {}, "est"),
    (
        "epi_tool",
        "Epitaxy tools (high-temperature CVD)",
        "usd_m",
        "sme;deposition;epitaxy;advanced_sme",
        1.0,
        {},
        "est",
    ),
    ("dicing_tool", "Dicing and back-grinding tools", "usd_m", "sme;packaging;backend;dicing", 1.0, {}, "est"),
    (
        "wafer_bonder",
        "Wafer bonding and aligning tools",
        "usd_m",
        "sme;packaging;backend;advanced_packaging;wafer_bonding",
        1.0,
        {},
        "est",
    ),
    (
        "adv_pkg_tool",
        "Advanced-packaging fab tools (deposition, etch and clean, lithography, CMP, inspection)",
        "usd_m",
        "sme;packaging;backend;advanced_packaging;adv_pkg_fab",
        1.0,
        {},
        "est",
    ),
    ("prober_handler", "Wafer probers and test handlers", "usd_m", "sme;test;backend;prober_handler", 1.0, {}, "est"),
    ("crystal_furnace", "Crystal growing furnaces", "usd_m", "sme;wafer_making;crystal_growing", 1.0, {}, "est"),
    (
        "crystal_machining",
        "Crystal machining tools (ingot grinding, slicing)",
        "usd_m",
        "sme;wafer_making;crystal_machining",
        1.0,
        {},
        "est",
    ),
    # --- EDA and core IP ---
    ("eda", "Electronic design automation software", "usd_m", "eda;software;eccn:3D006", 1.0, {}, "est"),
    ("core_ip", "Core semiconductor IP (CPU cores, interfaces)", "usd_m", "ip;core_ip", 1.0, {}, "est"),
    # --- chips (designed products) ---
    (
        "gpu_h100",
        "NVIDIA H100/H200-class GPU",
        "kunit",
        "chip;ai_accelerator;gpu;nvidia;eccn:3A090.a",
        25.0,
        {"node_nm": 4, "tpp": 15832, "perf_density": 19.4, "io_gbps": 900},
        "nvidia_specs",
    ),
    (
        "gpu_b200",
        "NVIDIA B200-class GPU",
        "kunit",
        "chip;ai_accelerator;gpu;nvidia;eccn:3A090.a",
        35.0,
        {"node_nm": 4, "tpp": 36000, "perf_density": 22.5, "io_gbps": 1800},
        "nvidia_specs",
    ),
    (
        "gpu_a100",
        "NVIDIA A100 GPU",
        "kunit",
        "chip;ai_accelerator;gpu;nvidia;eccn:3A090.a",
        12.0,
        {"node_nm": 7, "tpp": 4992, "perf_density": 6.04, "io_gbps": 600},
        "nvidia_specs",
    ),
    (
        "gpu_h800",
        "NVIDIA H800 (China variant of H100, 2023)",
        "kunit",
        "chip;ai_accelerator;gpu;nvidia;china_variant;eccn:3A090.a",
        25.0,
        {"node_nm": 4, "tpp": 15832, "perf_density": 19.4, "io_gbps": 400},
        "nvidia_specs",
    ),
    (
        "gpu_a800",
        "NVIDIA A800 (China variant of A100, 2022)",
        "kunit",
        "chip;ai_accelerator;gpu;nvidia;china_variant;eccn:3A090.a",
        12.0,
        {"node_nm": 7, "tpp": 4992, "perf_density": 6.04, "io_gbps": 400},
        "nvidia_specs",
    ),
    (
        "gpu_h20",
        "NVIDIA H20 (China variant under the 2023 thresholds)",
        "kunit",
        "chip;ai_accelerator;gpu;nvidia;china_variant",
        12.0,
        {"node_nm": 4, "tpp": 2368, "perf_density": 2.9, "io_gbps": 900},
        "nvidia_specs",
    ),
    (
        "gpu_mi300",
        "AMD Instinct MI300X-class GPU",
        "kunit",
        "chip;ai_accelerator;gpu;amd;eccn:3A090.a",
        15.0,
        {"node_nm": 5, "tpp": 20900, "perf_density": 8.7, "io_gbps": 896},
        "est",
    ),
    (
        "ai_asic",
        "Hyperscaler AI ASIC (Google TPU v5p, AWS Trainium2 class)",
        "kunit",
        "chip;ai_accelerator;asic;eccn:3A090.a",
        8.0,
        {"node_nm": 5, "tpp": 7344, "perf_density": 10.0, "io_gbps": 600},
        "est",
    ),
    (
        "ascend_910",
        "Huawei Ascend 910B-class AI accelerator",
        "kunit",
        "chip;ai_accelerator;asic;huawei;eccn:3A090.a",
        15.0,
        {"node_nm": 7, "tpp": 5120, "perf_density": 7.7, "io_gbps": 392},
        "est",
    ),
    (
        "mlu",
        "Cambricon MLU370/590-class AI accelerator",
        "kunit",
        "chip;ai_accelerator;asic;cambricon;eccn:3A090.a",
        5.0,
        {"node_nm": 7, "tpp": 4096, "perf_density": 6.0, "io_gbps": 200},
        "est",
    ),
    ("server_cpu", "Server CPU (x86 and Arm)", "kunit", "chip;cpu", 2.0, {}, "est"),
    ("mobile_soc", "Smartphone application processor / 5G SoC", "kunit", "chip;mobile_soc", 0.08, {}, "est"),
    ("fpga", "High-end FPGA", "kunit", "chip;fpga;eccn:3A001.a.7", 1.0, {"node_nm": 16}, "est"),
    # --- foundry logic wafers by node class ---
    (
        "logic_5nm",
        "Logic wafers, 5 nm class and below (N5/N4/N3, SF4/SF3)",
        "kwafer",
        "wafer;logic;advanced_logic;sub10nm",
        17.0,
        {"node_nm": 5},
        "est",
    ),
    (
        "logic_7nm",
        "Logic wafers, 7 nm class (N7/N6, 7LPP, SMIC N+2, Intel 4)",
        "kwafer",
        "wafer;logic;advanced_logic;sub10nm",
        10.0,
        {"node_nm": 7},
        "est",
    ),
    (
        "logic_16nm",
        "Logic wafers, 10-22 nm class (16/14/12 nm FinFET, Intel 7, 22FDX)",
        "kwafer",
        "wafer;logic;advanced_logic",
        6.0,
        {"node_nm": 14},
        "est",
    ),
    ("logic_28nm", "Logic wafers, 28-45 nm class", "kwafer", "wafer;logic;mature_logic", 3.0, {"node_nm": 28}, "est"),
    (
        "logic_mature",
        "Logic wafers, above 45 nm (300 mm equivalent)",
        "kwafer",
        "wafer;logic;mature_logic",
        2.0,
        {"node_nm": 65},
        "est",
    ),
    (
        "analog_power",
        "Discrete, analog and other wafers (power devices, PMIC, analog, sensors; 300 mm equivalent)",
        "kwafer",
        "wafer;analog_power;dao",
        1.5,
        {},
        "est",
    ),
    # --- memory ---
    (
        "dram",
        "DRAM wafers, leading nodes (1y/1z/1a/1b)",
        "kwafer",
        "memory;dram;wafer",
        5.0,
        {"dram_half_pitch_nm": 14},
        "est",
    ),
    (
        "dram_legacy",
        "DRAM wafers, 18 nm class and older (CXMT)",
        "kwafer",
        "memory;dram;wafer",
        4.0,
        {"dram_half_pitch_nm": 18},
        "est",
    ),
    (
        "hbm",
        "High-bandwidth memory stacks (HBM2E/HBM3/HBM3E)",
        "kunit",
        "memory;hbm;eccn:3A090.c",
        0.36,
        {"hbm_bandwidth_density": 7.4},
        "est",
    ),
    ("nand", "3D NAND wafers (128 layers and more)", "kwafer", "memory;nand;wafer", 4.0, {"nand_layers": 200}, "est"),
    # --- assembly, packaging, systems ---
    (
        "cowos",
        "2.5D advanced packaging (CoWoS-class) of an accelerator with HBM",
        "kunit",
        "packaging;advanced_packaging;cowos",
        0.5,
        {},
        "est",
    ),
    (
        "assembly_test",
        "Conventional assembly and test of packaged ICs",
        "munit",
        "packaging;assembly_test",
        0.1,
        {},
        "est",
    ),
    (
        "optical_transceiver",
        "Optical transceivers (400G/800G) for AI clusters",
        "kunit",
        "network;optical",
        0.8,
        {},
        "est",
    ),
    (
        "ai_server",
        "AI servers, counted by the accelerator capacity they hold",
        "h100e",
        "system;ai_server;eccn:4A090.a",
        0.03,
        {},
        "est",
    ),
    ("ai_compute", "AI compute capacity brought online", "h100e", "compute;ai_compute", 0.04, {}, "est"),
]

UNITS = {
    "t": "tonnes per week",
    "kwafer": "thousand 300 mm-equivalent wafers (starts) per week",
    "su": "supply units per week; 1 su = the quantity used for 1 000 wafer starts of a 28 nm-class logic flow",
    "kunit": "thousand units per week",
    "munit": "million units per week",
    "unit": "units per week (fractional: 53 EUV systems a year = 1.02 a week)",
    "usd_m": "USD million of tools, software or licences per week",
    "h100e": "H100-equivalents (TPP 15 832) per week",
}

# market size (USD million a year) for items whose per-unit value is derived from it
MARKETS_USD_M = {
    "photoresist": 2500,
    "euv_resist": 200,
    "polyimide": 300,
    "hydrogen_fluoride": 500,
    "neon": 300,
    "specialty_gas": 5000,
    "germane": 100,
    "mask_blank": 1000,
    "photomask": 5500,
}

# =============================================================================================
# facilities
# =============================================================================================
# (id, name, company, hq country, country, kind, produces, capacity or None (derived), recovery weeks,
#  source)

F: list[tuple[str, str, str, str, str, str, str, float | None, float, str]] = []


def fac(
    fid: str,
    name: str,
    company: str,
    hq: str,
    country: str,
    kind: str,
    produces: str,
    capacity: float | None,
    recovery: float,
    source: str = "est",
) -> None:
    F.append((fid, name, company, hq, country, kind, produces, capacity, recovery, source))


# --- materials (recovery: chemical plants 26-52 weeks, estimate) ---
for fid, name, comp, hq, cty in [
    ("wacker_burghausen", "Wacker Burghausen polysilicon", "Wacker Chemie", "DEU", "DEU"),
    ("hemlock_poly", "Hemlock Semiconductor, Michigan", "Hemlock Semiconductor", "USA", "USA"),
    ("tokuyama_poly", "Tokuyama Shunan polysilicon", "Tokuyama", "JPN", "JPN"),
    ("mitsubishi_poly", "Mitsubishi Materials Yokkaichi polysilicon", "Mitsubishi Materials", "JPN", "JPN"),
    ("huanghe_poly", "Huanghe Hydropower electronic-grade polysilicon", "Huanghe Hydropower", "CHN", "CHN"),
]:
    fac(fid, name, comp, hq, cty, "material", "polysilicon", None, 52)
for fid, name, comp, hq, cty in [
    ("shinetsu_wafer", "Shin-Etsu Handotai wafers", "Shin-Etsu Chemical", "JPN", "JPN"),
    ("sumco_wafer", "SUMCO wafers", "SUMCO", "JPN", "JPN"),
    ("globalwafers", "GlobalWafers", "GlobalWafers", "TWN", "TWN"),
    ("siltronic_wafer", "Siltronic Freiberg/Burghausen", "Siltronic", "DEU", "DEU"),
    ("sk_siltron", "SK Siltron Gumi", "SK Siltron", "KOR", "KOR"),
    ("nsig_wafer", "NSIG / Zhonghuan 300 mm wafers", "NSIG", "CHN", "CHN"),
]:
    fac(fid, name, comp, hq, cty, "material", "wafer_300mm", None, 52, "cset2021")
for fid, name, comp, hq, cty in [
    ("jsr_resist", "JSR photoresist", "JSR", "JPN", "JPN"),
    ("tok_resist", "Tokyo Ohka Kogyo photoresist", "Tokyo Ohka Kogyo", "JPN", "JPN"),
    ("shinetsu_resist", "Shin-Etsu photoresist", "Shin-Etsu Chemical", "JPN", "JPN"),
    ("sumitomo_resist", "Sumitomo Chemical photoresist", "Sumitomo Chemical", "JPN", "JPN"),
    ("fujifilm_resist", "Fujifilm Electronic Materials photoresist", "Fujifilm", "JPN", "JPN"),
    ("dupont_resist", "DuPont photoresist", "DuPont", "USA", "USA"),
    ("dongjin_resist", "Dongjin Semichem photoresist", "Dongjin Semichem", "KOR", "KOR"),
    ("merck_resist", "Merck (EMD) photoresist", "Merck KGaA", "DEU", "DEU"),
]:
    fac(fid, name, comp, hq, cty, "material", "photoresist", None, 26, "nikkei_resist")
for fid, name, comp, hq, cty in [
    ("toray_pi", "Toray photosensitive polyimide", "Toray", "JPN", "JPN"),
    ("hdm_pi", "HD MicroSystems polyimide", "Resonac", "JPN", "JPN"),
]:
    fac(fid, name, comp, hq, cty, "material", "polyimide", None, 26)
# EUV resist lines of the resist makers (Japanese makers supply about 90 % of EUV resist: etnews2019)
for fid, name, comp, hq, cty in [
    ("jsr_euv_resist", "JSR EUV resist", "JSR", "JPN", "JPN"),
    ("tok_euv_resist", "Tokyo Ohka Kogyo EUV resist", "Tokyo Ohka Kogyo", "JPN", "JPN"),
    ("shinetsu_euv_resist", "Shin-Etsu EUV resist", "Shin-Etsu Chemical", "JPN", "JPN"),
    ("dupont_euv_resist", "DuPont EUV resist", "DuPont", "USA", "USA"),
]:
    fac(fid, name, comp, hq, cty, "material", "euv_resist", None, 26, "etnews2019")
for fid, name, comp, hq, cty in [
    ("stella_hf", "Stella Chemifa high-purity HF", "Stella Chemifa", "JPN", "JPN"),
    ("morita_hf", "Morita Chemical high-purity HF", "Morita Chemical", "JPN", "JPN"),
    ("soulbrain_hf", "Soulbrain 12N HF", "Soulbrain", "KOR", "KOR"),
    ("enf_hf", "ENF Technology HF", "ENF Technology", "KOR", "KOR"),
    ("dofluoride_hf", "Do-Fluoride electronic-grade HF", "Do-Fluoride New Materials", "CHN", "CHN"),
    ("honeywell_hf", "Honeywell electronic-grade HF", "Honeywell", "USA", "USA"),
]:
    fac(fid, name, comp, hq, cty, "material", "hydrogen_fluoride", None, 26, "businesskorea2019")
for fid, name, comp, hq, cty in [
    ("ingas_neon", "Ingas, Mariupol", "Ingas", "UKR", "UKR"),
    ("cryoin_neon", "Cryoin, Odesa", "Cryoin", "UKR", "UKR"),
    ("hangyang_neon", "Hangzhou Hangyang rare gases", "Hangzhou Hangyang", "CHN", "CHN"),
    ("linde_neon", "Linde rare-gas purification", "Linde", "DEU", "DEU"),
    ("airliquide_neon", "Air Liquide rare gases", "Air Liquide", "FRA", "FRA"),
    ("tnsc_neon", "Taiyo Nippon Sanso rare gases", "Nippon Sanso", "JPN", "JPN"),
    ("posco_neon", "POSCO neon, Gwangyang", "POSCO", "KOR", "KOR"),
]:
    fac(fid, name, comp, hq, cty, "material", "neon", None, 52, "reuters_neon2022")
for fid, name, comp, hq, cty in [
    ("chalco_gallium", "Chalco gallium recovery", "Chalco", "CHN", "CHN"),
    ("fangyuan_gallium", "Zhuhai Fangyuan gallium", "Zhuhai Fangyuan", "CHN", "CHN"),
    ("dowa_gallium", "Dowa gallium refining and recycling", "Dowa", "JPN", "JPN"),
]:
    fac(fid, name, comp, hq, cty, "material", "gallium", None, 52)
# Freiberger feeds about 30 % of its gallium charge back from its own wafer-making scrap (hzdr2015)
fac(
    "freiberger_ga_recycling",
    "Freiberger in-house gallium scrap return",
    "Freiberger",
    "DEU",
    "DEU",
    "material",
    "gallium",
    None,
    52,
    "hzdr2015",
)
for fid, name, comp, hq, cty in [
    ("yunnan_germanium", "Yunnan Germanium", "Yunnan Lincang Xinyuan Germanium", "CHN", "CHN"),
    ("zhongjin_germanium", "Shenzhen Zhongjin Lingnan germanium", "Zhongjin Lingnan", "CHN", "CHN"),
    ("umicore_germanium", "Umicore Olen germanium", "Umicore", "BEL", "BEL"),
    ("teck_germanium", "Teck Trail germanium", "Teck Resources", "CAN", "CAN"),
]:
    fac(fid, name, comp, hq, cty, "material", "germanium", None, 52)
for fid, name, comp, hq, cty in [
    ("airliquide_gas", "Air Liquide electronics specialty gases", "Air Liquide", "FRA", "FRA"),
    ("linde_gas", "Linde electronics gases", "Linde", "DEU", "DEU"),
    ("airproducts_gas", "Air Products electronics gases", "Air Products", "USA", "USA"),
    ("tnsc_gas", "Taiyo Nippon Sanso electronics gases", "Nippon Sanso", "JPN", "JPN"),
    ("resonac_gas", "Resonac (Showa Denko) electronic gases", "Resonac", "JPN", "JPN"),
    ("sk_specialty_gas", "SK Specialty NF3 and WF6", "SK Specialty", "KOR", "KOR"),
    ("peric_gas", "PERIC special gases", "PERIC", "CHN", "CHN"),
]:
    fac(fid, name, comp, hq, cty, "material", "specialty_gas", None, 39)
# germane lines of the same gas makers (no published germane market shares were found: the
# specialty-gas split below stands in for it, an estimate)
GERMANE_MAKERS = {
    "airliquide_gas": "airliquide_germane",
    "linde_gas": "linde_germane",
    "airproducts_gas": "airproducts_germane",
    "tnsc_gas": "tnsc_germane",
    "resonac_gas": "resonac_germane",
    "sk_specialty_gas": "sk_germane",
    "peric_gas": "peric_germane",
}
for _gas, _ge in GERMANE_MAKERS.items():
    _f = next(f for f in F if f[0] == _gas)
    fac(
        _ge,
        _f[1].split(" electronic")[0].split(" special")[0] + " germane",
        _f[2],
        _f[3],
        _f[4],
        "material",
        "germane",
        None,
        39,
    )
for fid, name, comp, hq, cty in [
    ("hoya_blank", "Hoya mask blanks", "Hoya", "JPN", "JPN"),
    ("agc_blank", "AGC EUV mask blanks", "AGC", "JPN", "JPN"),
    ("sstech_blank", "S&S Tech mask blanks", "S&S Tech", "KOR", "KOR"),
]:
    fac(fid, name, comp, hq, cty, "material", "mask_blank", None, 52)
for fid, name, comp, hq, cty in [
    ("toppan_mask", "Toppan Photomask", "Toppan", "JPN", "JPN"),
    ("dnp_mask", "Dai Nippon Printing photomasks", "Dai Nippon Printing", "JPN", "JPN"),
    ("photronics_mask", "Photronics", "Photronics", "USA", "USA"),
    ("tmc_mask", "Taiwan Mask Corporation", "Taiwan Mask", "TWN", "TWN"),
]:
    fac(fid, name, comp, hq, cty, "material", "photomask", None, 26, "cset2021")
# Photronics serves Chinese fabs from its Xiamen IC mask plant (opened 2019, "a critical local
# supplier to the China IC industry"), not from the US
fac(
    "photronics_xiamen",
    "Photronics Xiamen IC photomasks",
    "Photronics",
    "USA",
    "CHN",
    "material",
    "photomask",
    None,
    26,
    "photronics_xiamen2019",
)
for fid, name, comp, hq, cty in [
    ("sumitomo_electric_gaas", "Sumitomo Electric GaAs/InP substrates", "Sumitomo Electric", "JPN", "JPN"),
    ("freiberger_gaas", "Freiberger Compound Materials", "Freiberger", "DEU", "DEU"),
    ("axt_tongmei", "AXT Beijing Tongmei substrates", "AXT", "USA", "CHN"),
]:
    fac(fid, name, comp, hq, cty, "material", "compound_substrate", None, 52)
for fid, name, comp, hq, cty in [
    ("ibiden_substrate", "Ibiden ABF substrates", "Ibiden", "JPN", "JPN"),
    ("unimicron_substrate", "Unimicron ABF substrates", "Unimicron", "TWN", "TWN"),
    ("shinko_substrate", "Shinko Electric substrates", "Shinko Electric", "JPN", "JPN"),
    ("ats_substrate", "AT&S IC substrates, Leoben", "AT&S", "AUT", "AUT"),
    ("semco_substrate", "Samsung Electro-Mechanics substrates", "Samsung Electro-Mechanics", "KOR", "KOR"),
]:
    fac(fid, name, comp, hq, cty, "material", "abf_substrate", None, 52)
fac(
    "zeiss_smt",
    "Carl Zeiss SMT EUV optics, Oberkochen",
    "Carl Zeiss",
    "DEU",
    "DEU",
    "equipment",
    "euv_optics",
    None,
    104,
)

# --- equipment (recovery: 52 weeks, EUV 104; estimates) ---
EQUIP = [
    # id, name, company, hq, country, produces
    ("asml_euv", "ASML EUV (NXE/EXE)", "ASML", "NLD", "NLD", "euv_scanner"),
    ("asml_arfi_adv", "ASML NXT:2000i+ immersion", "ASML", "NLD", "NLD", "arfi_advanced"),
    ("nikon_arfi_adv", "Nikon NSR-S635E immersion", "Nikon", "JPN", "JPN", "arfi_advanced"),
    ("asml_arfi_main", "ASML NXT:1970i/1980i immersion", "ASML", "NLD", "NLD", "arfi_mainstream"),
    ("nikon_arfi_main", "Nikon NSR-S625E immersion", "Nikon", "JPN", "JPN", "arfi_mainstream"),
    ("smee_arfi", "SMEE immersion prototype", "SMEE", "CHN", "CHN", "arfi_mainstream"),
    ("asml_arf_dry", "ASML XT:1460K ArF dry", "ASML", "NLD", "NLD", "arf_dry"),
    ("nikon_arf_dry", "Nikon ArF dry scanners", "Nikon", "JPN", "JPN", "arf_dry"),
    ("smee_arf_dry", "SMEE SSA600 ArF dry", "SMEE", "CHN", "CHN", "arf_dry"),
    ("asml_krf", "ASML KrF scanners", "ASML", "NLD", "NLD", "krf_scanner"),
    ("canon_krf", "Canon KrF scanners", "Canon", "JPN", "JPN", "krf_scanner"),
    ("nikon_krf", "Nikon KrF scanners", "Nikon", "JPN", "JPN", "krf_scanner"),
    ("canon_iline", "Canon i-line steppers", "Canon", "JPN", "JPN", "iline_stepper"),
    ("asml_iline", "ASML PAS 5500 i-line", "ASML", "NLD", "NLD", "iline_stepper"),
    ("nikon_iline", "Nikon i-line steppers", "Nikon", "JPN", "JPN", "iline_stepper"),
    ("veeco_iline", "Veeco i-line steppers", "Veeco", "USA", "USA", "iline_stepper"),
    ("smee_iline", "SMEE i-line steppers", "SMEE", "CHN", "CHN", "iline_stepper"),
    ("onto_iline", "Onto Innovation JetStep lithography", "Onto Innovation", "USA", "USA", "iline_stepper"),
    ("tel_track", "Tokyo Electron CLEAN TRACK", "Tokyo Electron", "JPN", "JPN", "resist_track"),
    ("screen_track", "SCREEN coater/developers", "SCREEN", "JPN", "JPN", "resist_track"),
    ("suss_track", "SUSS MicroTec coaters", "SUSS MicroTec", "DEU", "DEU", "resist_track"),
    ("semes_track", "SEMES tracks", "SEMES", "KOR", "KOR", "resist_track"),
    ("kingsemi_track", "Kingsemi tracks", "Kingsemi", "CHN", "CHN", "resist_track"),
    ("amat_dep_adv", "Applied Materials advanced deposition", "Applied Materials", "USA", "USA", "dep_advanced"),
    ("lam_dep_adv", "Lam Research advanced deposition", "Lam Research", "USA", "USA", "dep_advanced"),
    ("tel_dep_adv", "Tokyo Electron advanced deposition", "Tokyo Electron", "JPN", "JPN", "dep_advanced"),
    ("asmi_dep_adv", "ASM International advanced CVD", "ASM International", "NLD", "NLD", "dep_advanced"),
    ("kokusai_dep_adv", "Kokusai Electric advanced batch CVD", "Kokusai Electric", "JPN", "JPN", "dep_advanced"),
    ("amat_dep_main", "Applied Materials CVD/PVD", "Applied Materials", "USA", "USA", "dep_mainstream"),
    ("lam_dep_main", "Lam Research CVD/ECD", "Lam Research", "USA", "USA", "dep_mainstream"),
    ("tel_dep_main", "Tokyo Electron furnaces and CVD", "Tokyo Electron", "JPN", "JPN", "dep_mainstream"),
    ("asmi_dep_main", "ASM International PECVD and furnaces", "ASM International", "NLD", "NLD", "dep_mainstream"),
    ("kokusai_dep_main", "Kokusai Electric furnaces", "Kokusai Electric", "JPN", "JPN", "dep_mainstream"),
    ("naura_dep", "NAURA PVD/CVD/furnaces", "NAURA", "CHN", "CHN", "dep_mainstream"),
    ("piotech_dep", "Piotech PECVD", "Piotech", "CHN", "CHN", "dep_mainstream"),
    ("wonik_dep", "Wonik IPS CVD/ALD", "Wonik IPS", "KOR", "KOR", "dep_mainstream"),
    ("lam_etch_adv", "Lam Research conductor and HAR etch", "Lam Research", "USA", "USA", "etch_advanced"),
    ("amat_etch_adv", "Applied Materials advanced etch", "Applied Materials", "USA", "USA", "etch_advanced"),
    ("tel_etch_adv", "Tokyo Electron dielectric etch", "Tokyo Electron", "JPN", "JPN", "etch_advanced"),
    ("hitachi_etch_adv", "Hitachi High-Tech conductor etch", "Hitachi High-Tech", "JPN", "JPN", "etch_advanced"),
    ("lam_etch_main", "Lam Research mainstream etch", "Lam Research", "USA", "USA", "etch_mainstream"),
    ("amat_etch_main", "Applied Materials mainstream etch", "Applied Materials", "USA", "USA", "etch_mainstream"),
    ("tel_etch_main", "Tokyo Electron mainstream etch", "Tokyo Electron", "JPN", "JPN", "etch_mainstream"),
    ("hitachi_etch_main", "Hitachi High-Tech mainstream etch", "Hitachi High-Tech", "JPN", "JPN", "etch_mainstream"),
    ("amec_etch", "AMEC CCP/ICP etch", "AMEC", "CHN", "CHN", "etch_mainstream"),
    ("naura_etch", "NAURA ICP etch", "NAURA", "CHN", "CHN", "etch_mainstream"),
    ("screen_clean", "SCREEN wet cleaning", "SCREEN", "JPN", "JPN", "clean_tool"),
    ("tel_clean", "Tokyo Electron cleaning", "Tokyo Electron", "JPN", "JPN", "clean_tool"),
    ("lam_clean", "Lam Research wet clean", "Lam Research", "USA", "USA", "clean_tool"),
    ("acm_clean", "ACM Research cleaning (Shanghai plants)", "ACM Research", "USA", "CHN", "clean_tool"),
    ("semes_clean", "SEMES cleaning", "SEMES", "KOR", "KOR", "clean_tool"),
    ("naura_clean", "NAURA cleaning", "NAURA", "CHN", "CHN", "clean_tool"),
    ("amat_cmp", "Applied Materials CMP", "Applied Materials", "USA", "USA", "cmp_tool"),
    ("ebara_cmp", "EBARA CMP", "EBARA", "JPN", "JPN", "cmp_tool"),
    ("hwatsing_cmp", "Hwatsing CMP", "Hwatsing", "CHN", "CHN", "cmp_tool"),
    ("kctech_cmp", "KCTech CMP", "KCTech", "KOR", "KOR", "cmp_tool"),
    (
        "amat_implant",
        "Applied Materials (Varian) implanters, Gloucester",
        "Applied Materials",
        "USA",
        "USA",
        "ion_implanter",
    ),
    ("axcelis_implant", "Axcelis implanters, Beverly", "Axcelis", "USA", "USA", "ion_implanter"),
    (
        "smit_implant",
        "Sumitomo Heavy Industries Ion Technology",
        "Sumitomo Heavy Industries",
        "JPN",
        "JPN",
        "ion_implanter",
    ),
    ("nissin_implant", "Nissin Ion Equipment", "Nissin Electric", "JPN", "JPN", "ion_implanter"),
    ("kingstone_implant", "Kingstone ion implanters", "Kingstone", "CHN", "CHN", "ion_implanter"),
    ("cetc_implant", "CETC ion implanters", "CETC", "CHN", "CHN", "ion_implanter"),
    ("kla_metrology", "KLA inspection and metrology", "KLA", "USA", "USA", "metrology"),
    ("amat_metrology", "Applied Materials e-beam inspection", "Applied Materials", "USA", "USA", "metrology"),
    ("onto_metrology", "Onto Innovation metrology", "Onto Innovation", "USA", "USA", "metrology"),
    ("lasertec_metrology", "Lasertec mask and wafer inspection", "Lasertec", "JPN", "JPN", "metrology"),
    ("hitachi_metrology", "Hitachi High-Tech CD-SEM", "Hitachi High-Tech", "JPN", "JPN", "metrology"),
    ("asml_hmi", "ASML HMI e-beam inspection, Hsinchu", "ASML", "NLD", "TWN", "metrology"),
    ("nova_metrology", "Nova metrology, Rehovot", "Nova", "ISR", "ISR", "metrology"),
    ("camtek_metrology", "Camtek inspection, Migdal HaEmek", "Camtek", "ISR", "ISR", "metrology"),
    ("advantest_test", "Advantest testers", "Advantest", "JPN", "JPN", "test_equipment"),
    ("teradyne_test", "Teradyne testers", "Teradyne", "USA", "USA", "test_equipment"),
    ("cohu_test", "Cohu test handlers", "Cohu", "USA", "USA", "prober_handler"),
    ("changchuan_test", "Hangzhou Changchuan testers", "Hangzhou Changchuan", "CHN", "CHN", "test_equipment"),
    ("accotest_test", "AccoTEST testers", "AccoTEST", "CHN", "CHN", "test_equipment"),
    ("chroma_test", "Chroma ATE", "Chroma ATE", "TWN", "TWN", "test_equipment"),
    ("yikc_test", "YIKC memory testers", "YIKC", "KOR", "KOR", "test_equipment"),
    ("di_test", "DI Corporation burn-in and memory testers", "DI Corporation", "KOR", "KOR", "test_equipment"),
    ("besi_bond", "Besi die attach and hybrid bonding, Duiven", "Besi", "NLD", "NLD", "packaging_tool"),
    ("semes_bond", "SEMES die bonders", "SEMES", "KOR", "KOR", "packaging_tool"),
    ("hanmi_bond", "Hanmi Semiconductor TC bonders", "Hanmi Semiconductor", "KOR", "KOR", "packaging_tool"),
    ("asmpt_bond", "ASMPT bonders", "ASMPT", "SGP", "SGP", "packaging_tool"),
    ("shinkawa_bond", "Shinkawa bonders (Yamaha Robotics group)", "Shinkawa", "JPN", "JPN", "packaging_tool"),
    ("hanwha_bond", "Hanwha Semitech TC bonders", "Hanwha Semitech", "KOR", "KOR", "packaging_tool"),
    ("kns_bond", "Kulicke & Soffa die and TC bonders", "Kulicke & Soffa", "SGP", "SGP", "packaging_tool"),
    ("fasford_bond", "Fasford die bonders", "Fasford Technology", "JPN", "JPN", "packaging_tool"),
    ("canon_bond", "Canon Machinery die bonders", "Canon", "JPN", "JPN", "packaging_tool"),
    ("shibaura_bond", "Shibaura Mechatronics bonders", "Shibaura Mechatronics", "JPN", "JPN", "packaging_tool"),
    ("hoson_bond", "Hoson die bonders", "Hoson", "CHN", "CHN", "packaging_tool"),
    ("nuflare_writer", "NuFlare e-beam mask writers", "NuFlare", "JPN", "JPN", "mask_writer"),
    ("jeol_writer", "JEOL e-beam writers", "JEOL", "JPN", "JPN", "mask_writer"),
    (
        "ims_writer",
        "IMS Nanofabrication multi-beam writers, Vienna",
        "IMS Nanofabrication",
        "USA",
        "AUT",
        "mask_writer",
    ),
    # tools added from the ETO 2025 release: one facility per company with about 2 % or more
    ("mycronic_writer", "Mycronic laser mask writers", "Mycronic", "SWE", "SWE", "laser_mask_writer"),
    (
        "amat_laser_writer",
        "Applied Materials laser mask writers",
        "Applied Materials",
        "USA",
        "USA",
        "laser_mask_writer",
    ),
    ("kla_mask_insp", "KLA photomask inspection", "KLA", "USA", "USA", "mask_inspection"),
    ("lasertec_mask_insp", "Lasertec photomask inspection", "Lasertec", "JPN", "JPN", "mask_inspection"),
    ("zeiss_mask_repair", "Carl Zeiss photomask repair and review", "Carl Zeiss", "DEU", "DEU", "mask_inspection"),
    ("asmi_ald", "ASM International ALD", "ASM International", "NLD", "NLD", "ald_tool"),
    ("tel_ald", "Tokyo Electron ALD", "Tokyo Electron", "JPN", "JPN", "ald_tool"),
    ("lam_ald", "Lam Research ALD", "Lam Research", "USA", "USA", "ald_tool"),
    ("kokusai_ald", "Kokusai Electric batch ALD", "Kokusai Electric", "JPN", "JPN", "ald_tool"),
    ("amat_ald", "Applied Materials ALD", "Applied Materials", "USA", "USA", "ald_tool"),
    ("jusung_ald", "Jusung Engineering ALD", "Jusung Engineering", "KOR", "KOR", "ald_tool"),
    ("piotech_ald", "Piotech ALD", "Piotech", "CHN", "CHN", "ald_tool"),
    ("amat_epi", "Applied Materials epitaxy", "Applied Materials", "USA", "USA", "epi_tool"),
    ("asmi_epi", "ASM International epitaxy", "ASM International", "NLD", "NLD", "epi_tool"),
    ("naura_epi", "NAURA epitaxy", "NAURA", "CHN", "CHN", "epi_tool"),
    ("disco_dicing", "Disco dicing saws and grinders", "Disco", "JPN", "JPN", "dicing_tool"),
    ("accretech_dicing", "Accretech (Tokyo Seimitsu) dicing", "Accretech", "JPN", "JPN", "dicing_tool"),
    ("asmpt_dicing", "ASMPT laser dicing", "ASMPT", "SGP", "SGP", "dicing_tool"),
    ("evg_bonder", "EV Group wafer bonders, St. Florian", "EV Group", "AUT", "AUT", "wafer_bonder"),
    ("tel_bonder", "Tokyo Electron wafer bonders", "Tokyo Electron", "JPN", "JPN", "wafer_bonder"),
    ("suss_bonder", "SUSS MicroTec wafer bonders", "SUSS MicroTec", "DEU", "DEU", "wafer_bonder"),
    ("scientech_bonder", "Scientech temporary bond/debond", "Scientech", "TWN", "TWN", "wafer_bonder"),
    (
        "amat_advpkg",
        "Applied Materials packaging deposition and etch",
        "Applied Materials",
        "USA",
        "USA",
        "adv_pkg_tool",
    ),
    ("lam_advpkg", "Lam Research packaging etch, deposition and plating", "Lam Research", "USA", "USA", "adv_pkg_tool"),
    ("kla_advpkg", "KLA packaging inspection and etch", "KLA", "USA", "USA", "adv_pkg_tool"),
    ("tel_advpkg", "Tokyo Electron packaging tools", "Tokyo Electron", "JPN", "JPN", "adv_pkg_tool"),
    (
        "onto_advpkg",
        "Onto Innovation packaging lithography and inspection",
        "Onto Innovation",
        "USA",
        "USA",
        "adv_pkg_tool",
    ),
    ("naura_advpkg", "NAURA packaging deposition and etch", "NAURA", "CHN", "CHN", "adv_pkg_tool"),
    ("camtek_advpkg", "Camtek packaging inspection", "Camtek", "ISR", "ISR", "adv_pkg_tool"),
    ("screen_advpkg", "SCREEN packaging lithography and clean", "SCREEN", "JPN", "JPN", "adv_pkg_tool"),
    ("shibaura_advpkg", "Shibaura Mechatronics packaging tools", "Shibaura Mechatronics", "JPN", "JPN", "adv_pkg_tool"),
    ("ebara_advpkg", "EBARA packaging plating and CMP", "EBARA", "JPN", "JPN", "adv_pkg_tool"),
    ("amec_advpkg", "AMEC packaging etch", "AMEC", "CHN", "CHN", "adv_pkg_tool"),
    ("asmpt_advpkg", "ASMPT packaging deposition", "ASMPT", "SGP", "SGP", "adv_pkg_tool"),
    ("tel_prober", "Tokyo Electron wafer probers", "Tokyo Electron", "JPN", "JPN", "prober_handler"),
    ("accretech_prober", "Accretech wafer probers", "Accretech", "JPN", "JPN", "prober_handler"),
    ("hon_handler", "Hon Technologies test handlers", "Hon Technologies", "TWN", "TWN", "prober_handler"),
    ("semics_prober", "Semics wafer probers", "Semics", "KOR", "KOR", "prober_handler"),
    (
        "changchuan_handler",
        "Hangzhou Changchuan handlers and probers",
        "Hangzhou Changchuan",
        "CHN",
        "CHN",
        "prober_handler",
    ),
    ("semes_prober", "SEMES probers and handlers", "SEMES", "KOR", "KOR", "prober_handler"),
    ("formfactor_prober", "FormFactor probe systems", "FormFactor", "USA", "USA", "prober_handler"),
    ("advantest_handler", "Advantest test handlers", "Advantest", "JPN", "JPN", "prober_handler"),
    ("chroma_handler", "Chroma ATE handlers", "Chroma ATE", "TWN", "TWN", "prober_handler"),
    ("pentamaster_handler", "Pentamaster test handlers, Penang", "Pentamaster", "MYS", "MYS", "prober_handler"),
    ("pvatepla_furnace", "PVA TePla crystal growing furnaces", "PVA TePla", "DEU", "DEU", "crystal_furnace"),
    ("disco_crystal", "Disco ingot grinders and slicers", "Disco", "JPN", "JPN", "crystal_machining"),
    ("accretech_crystal", "Accretech crystal machining", "Accretech", "JPN", "JPN", "crystal_machining"),
    ("okamoto_crystal", "Okamoto ingot grinders", "Okamoto", "JPN", "JPN", "crystal_machining"),
]
for fid, name, comp, hq, cty, item in EQUIP:
    fac(
        fid,
        name,
        comp,
        hq,
        cty,
        "equipment",
        item,
        0.02 if fid == "smee_arfi" else None,
        104 if item == "euv_scanner" else 52,
        "est" if fid == "smee_arfi" else "eto2025",
    )

# --- EDA and core IP (recovery 26 weeks) ---
for fid, name, comp, hq, cty, item in [
    ("synopsys_eda", "Synopsys EDA", "Synopsys", "USA", "USA", "eda"),
    ("cadence_eda", "Cadence EDA", "Cadence", "USA", "USA", "eda"),
    ("siemens_eda", "Siemens EDA (Mentor), Wilsonville", "Siemens EDA", "USA", "USA", "eda"),
    ("ansys_eda", "Ansys semiconductor simulation", "Ansys", "USA", "USA", "eda"),
    ("empyrean_eda", "Empyrean Technology", "Empyrean", "CHN", "CHN", "eda"),
    ("arm_ip", "Arm, Cambridge", "Arm", "GBR", "GBR", "core_ip"),
    ("imagination_ip", "Imagination Technologies", "Imagination Technologies", "GBR", "GBR", "core_ip"),
    ("synopsys_ip", "Synopsys interface IP", "Synopsys", "USA", "USA", "core_ip"),
    ("cadence_ip", "Cadence IP", "Cadence", "USA", "USA", "core_ip"),
    ("rambus_ip", "Rambus memory-interface IP", "Rambus", "USA", "USA", "core_ip"),
    ("ceva_ip", "CEVA DSP IP", "CEVA", "USA", "USA", "core_ip"),
    ("verisilicon_ip", "VeriSilicon IP", "VeriSilicon", "CHN", "CHN", "core_ip"),
    ("ememory_ip", "eMemory NVM IP", "eMemory", "TWN", "TWN", "core_ip"),
]:
    fac(fid, name, comp, hq, cty, "eda_ip", item, None, 26, "cset2021")

# --- design (AI accelerators derived from demand; CPUs, SoCs, FPGAs at estimated shipments) ---
for fid, name, comp, hq, cty, item, cap in [
    ("nvidia_h100", "NVIDIA H100/H200 line", "NVIDIA", "USA", "USA", "gpu_h100", None),
    ("nvidia_b200", "NVIDIA Blackwell B200 line", "NVIDIA", "USA", "USA", "gpu_b200", None),
    ("nvidia_a100", "NVIDIA A100 line", "NVIDIA", "USA", "USA", "gpu_a100", None),
    ("nvidia_h800", "NVIDIA H800 line (China)", "NVIDIA", "USA", "USA", "gpu_h800", None),
    ("nvidia_a800", "NVIDIA A800 line (China)", "NVIDIA", "USA", "USA", "gpu_a800", None),
    ("nvidia_h20", "NVIDIA H20 line (China)", "NVIDIA", "USA", "USA", "gpu_h20", None),
    ("amd_mi300", "AMD Instinct MI300 line", "AMD", "USA", "USA", "gpu_mi300", None),
    ("google_tpu", "Google TPU", "Google", "USA", "USA", "ai_asic", None),
    ("aws_trainium", "AWS Trainium (Annapurna Labs, Haifa)", "Amazon", "USA", "ISR", "ai_asic", None),
    ("hisilicon_ascend", "HiSilicon Ascend 910", "Huawei", "CHN", "CHN", "ascend_910", None),
    ("cambricon_mlu", "Cambricon MLU", "Cambricon", "CHN", "CHN", "mlu", None),
    ("intel_xeon", "Intel Xeon", "Intel", "USA", "USA", "server_cpu", 300.0),
    ("amd_epyc", "AMD EPYC", "AMD", "USA", "USA", "server_cpu", 100.0),
    ("aws_graviton", "AWS Graviton (Annapurna Labs)", "Amazon", "USA", "ISR", "server_cpu", 30.0),
    ("hygon_cpu", "Hygon x86 CPUs", "Hygon", "CHN", "CHN", "server_cpu", 15.0),
    ("hisilicon_kunpeng", "HiSilicon Kunpeng 920", "Huawei", "CHN", "CHN", "server_cpu", 12.0),
    ("apple_soc", "Apple A-series", "Apple", "USA", "USA", "mobile_soc", 4800.0),
    ("qualcomm_soc", "Qualcomm Snapdragon", "Qualcomm", "USA", "USA", "mobile_soc", 5800.0),
    ("mediatek_soc", "MediaTek Dimensity", "MediaTek", "TWN", "TWN", "mobile_soc", 4000.0),
    ("hisilicon_kirin", "HiSilicon Kirin 5G SoCs", "Huawei", "CHN", "CHN", "mobile_soc", 1900.0),
    ("amd_xilinx", "AMD (Xilinx) Versal/UltraScale+", "AMD", "USA", "USA", "fpga", 60.0),
    ("intel_altera", "Intel (Altera) Agilex/Stratix", "Intel", "USA", "USA", "fpga", 40.0),
]:
    fac(fid, name, comp, hq, cty, "design", item, cap, 26)

# --- fabs: capacity in kwafer (thousand 12-inch-equivalent wafer starts) per week; rebuild 2-3 years ---
# Company totals from the sources (see the README, "Fab capacity"), converted to kwafer per week:
# 8-inch-equivalent wafers per month / 2.25 (area ratio (300/200)^2) x 12 / 52; 12-inch wafers per
# month x 12 / 52; wafers per year / 52. A company total is split across its fabs by estimate (the
# facility's source key still names the company figure); the split and every estimate are in the README.


def from_8in_month(k: float) -> float:
    """Thousand 8-inch-equivalent wafers per month -> kwafer (12-inch equivalent) per week."""
    return k / 2.25 * 12 / 52


def from_12in_month(k: float) -> float:
    """Thousand 12-inch wafers per month -> kwafer per week."""
    return k * 12 / 52


TSMC_TOTAL = 16_000 / 52  # > 16 M 12-inch eq. wafers in 2023 (tsmc_about2023): 307.7 kwafer/week
TSMC_GIGAFAB = 12_000 / 52  # Fab 12/14/15/18 > 12 M in 2023 (tsmc_gigafab2023): 230.8
TSMC_OTHER = TSMC_TOTAL - TSMC_GIGAFAB  # 8-inch/6-inch fabs, Nanjing, WaferTech, TSMC China: 76.9 (derived)
SAMSUNG_TOTAL = from_8in_month(4050)  # Dec 2021 (knometa2022): 415.4
SAMSUNG_MEMORY = SAMSUNG_TOTAL * 2 / 3  # "about two-thirds" DRAM and NAND (icinsights2019): 276.9
SAMSUNG_LOGIC = SAMSUNG_TOTAL - SAMSUNG_MEMORY  # foundry and System LSI: 138.5
SAMSUNG_NAND = from_12in_month(670)  # ~670 K 300 mm wafers/month NAND at full use (chosun2024): 154.6
SAMSUNG_AUSTIN = 0.24 * SAMSUNG_LOGIC  # Austin ~24 % of Samsung's non-memory output (aju2021): 33.2
SKHYNIX_TOTAL = from_8in_month(1982)  # Dec 2021 (knometa2022): 203.3
KIOXIA_WD_TOTAL = from_8in_month(1328)  # Dec 2021 (knometa2022): 136.2, shared 50/50 (estimate)
INTEL_TOTAL = from_8in_month(884)  # Dec 2020 (icinsights2021): 90.7
UMC_TOTAL = from_8in_month(772)  # Dec 2020 (icinsights2021): 79.2
SMIC_TOTAL = from_8in_month(948)  # end 2024 (smic2024): 97.2
HUAHONG_TOTAL = from_8in_month(391)  # Q2 2024 (huahong2024): 40.1
HUAHONG_FAB7 = from_12in_month(94.5)  # Wuxi 12-inch Fab 7 (huahong2024): 21.8
GF_TOTAL = 637 * 4 / 52  # 637 K 300 mm-eq. wafers shipped in Q3 2022 (gf2022q3): 49.0
YMTC_TOTAL = from_12in_month(120)  # capped at 115-120 K wafers/month (yole_ymtc): 27.7
CXMT_TOTAL = 1620 / 52  # 1.62 M wafers input in 2024 (omdia_cxmt): 31.2

LOGIC = [
    # id, name, company, hq, country, item, capacity, source
    (
        "tsmc_fab18",
        "TSMC Fab 18, Tainan (N5/N3)",
        "TSMC",
        "TWN",
        "TWN",
        "logic_5nm",
        0.37 * TSMC_GIGAFAB,
        "tsmc_gigafab2023",
    ),
    ("tsmc_fab21", "TSMC Fab 21, Arizona (N4, from 2024-25)", "TSMC", "TWN", "USA", "logic_5nm", 1.5, "est"),
    (
        "samsung_sf4",
        "Samsung Hwaseong/Pyeongtaek SF4/SF3",
        "Samsung Electronics",
        "KOR",
        "KOR",
        "logic_5nm",
        0.21 * SAMSUNG_LOGIC,
        "knometa2022",
    ),
    (
        "tsmc_fab15",
        "TSMC Fab 15, Taichung (N7/N6)",
        "TSMC",
        "TWN",
        "TWN",
        "logic_7nm",
        0.17 * TSMC_GIGAFAB,
        "tsmc_gigafab2023",
    ),
    (
        "samsung_7lpp",
        "Samsung Hwaseong S3 (7LPP)",
        "Samsung Electronics",
        "KOR",
        "KOR",
        "logic_7nm",
        0.17 * SAMSUNG_LOGIC,
        "knometa2022",
    ),
    ("smic_sn2", "SMIC South, Shanghai (N+2)", "SMIC", "CHN", "CHN", "logic_7nm", 0.035 * SMIC_TOTAL, "smic2024"),
    (
        "intel_fab34",
        "Intel Fab 34, Leixlip (Intel 4)",
        "Intel",
        "USA",
        "IRL",
        "logic_7nm",
        0.055 * INTEL_TOTAL,
        "icinsights2021",
    ),
    (
        "intel_oregon",
        "Intel D1X/D1C, Hillsboro (Intel 7)",
        "Intel",
        "USA",
        "USA",
        "logic_16nm",
        0.35 * INTEL_TOTAL,
        "icinsights2021",
    ),
    (
        "intel_arizona",
        "Intel Fab 42/52, Chandler (Intel 7)",
        "Intel",
        "USA",
        "USA",
        "logic_16nm",
        0.30 * INTEL_TOTAL,
        "icinsights2021",
    ),
    (
        "gf_malta",
        "GlobalFoundries Fab 8, Malta (12/14 nm)",
        "GlobalFoundries",
        "USA",
        "USA",
        "logic_16nm",
        0.30 * GF_TOTAL,
        "gf2022q3",
    ),
    (
        "samsung_austin",
        "Samsung Austin S2 (14 nm)",
        "Samsung Electronics",
        "KOR",
        "USA",
        "logic_16nm",
        0.65 * SAMSUNG_AUSTIN,
        "knometa2022",
    ),
    (
        "tsmc_fab12",
        "TSMC Fab 12/14 (16/12 nm)",
        "TSMC",
        "TWN",
        "TWN",
        "logic_16nm",
        0.24 * TSMC_GIGAFAB,
        "tsmc_gigafab2023",
    ),
    ("tsmc_nanjing", "TSMC Nanjing Fab 16 (16/12 nm)", "TSMC", "TWN", "CHN", "logic_16nm", 7.0, "tsmc_about2023"),
    ("smic_sn1", "SMIC SN1, Shanghai (14 nm)", "SMIC", "CHN", "CHN", "logic_16nm", 0.03 * SMIC_TOTAL, "smic2024"),
    (
        "intel_fab28",
        "Intel Fab 28, Kiryat Gat (Intel 7)",
        "Intel",
        "USA",
        "ISR",
        "logic_16nm",
        0.165 * INTEL_TOTAL,
        "icinsights2021",
    ),
    (
        "intel_fab24",
        "Intel Fab 24, Leixlip (14 nm)",
        "Intel",
        "USA",
        "IRL",
        "logic_16nm",
        0.13 * INTEL_TOTAL,
        "icinsights2021",
    ),
    (
        "samsung_giheung14",
        "Samsung Giheung (14 nm)",
        "Samsung Electronics",
        "KOR",
        "KOR",
        "logic_16nm",
        0.14 * SAMSUNG_LOGIC,
        "knometa2022",
    ),
    (
        "gf_dresden",
        "GlobalFoundries Fab 1, Dresden (22FDX)",
        "GlobalFoundries",
        "USA",
        "DEU",
        "logic_16nm",
        0.30 * GF_TOTAL,
        "gf2022q3",
    ),
    (
        "tsmc_fab14_28",
        "TSMC 28 nm (Fab 14/15)",
        "TSMC",
        "TWN",
        "TWN",
        "logic_28nm",
        0.22 * TSMC_GIGAFAB,
        "tsmc_gigafab2023",
    ),
    (
        "umc_fab12a",
        "UMC Fab 12A, Tainan (28/40 nm)",
        "UMC",
        "TWN",
        "TWN",
        "logic_28nm",
        0.23 * UMC_TOTAL,
        "icinsights2021",
    ),
    (
        "smic_beijing",
        "SMIC Beijing B2/B3 (28/40 nm)",
        "SMIC",
        "CHN",
        "CHN",
        "logic_28nm",
        0.22 * SMIC_TOTAL,
        "smic2024",
    ),
    (
        "huali_shanghai",
        "Hua Hong Huali Fab 5/6, Shanghai (28/40 nm)",
        "Hua Hong",
        "CHN",
        "CHN",
        "logic_28nm",
        8.0,
        "est",
    ),
    (
        "umc_xiamen",
        "UMC United Semi Fab 12X, Xiamen",
        "UMC",
        "TWN",
        "CHN",
        "logic_28nm",
        0.065 * UMC_TOTAL,
        "icinsights2021",
    ),
    (
        "samsung_austin_legacy",
        "Samsung Austin S1/S2 (28-45 nm)",
        "Samsung Electronics",
        "KOR",
        "USA",
        "logic_28nm",
        0.35 * SAMSUNG_AUSTIN,
        "knometa2022",
    ),
    (
        "samsung_giheung28",
        "Samsung Giheung (28 nm)",
        "Samsung Electronics",
        "KOR",
        "KOR",
        "logic_28nm",
        0.14 * SAMSUNG_LOGIC,
        "knometa2022",
    ),
    (
        "gf_singapore",
        "GlobalFoundries Fab 7, Singapore (40 nm)",
        "GlobalFoundries",
        "USA",
        "SGP",
        "logic_28nm",
        0.20 * GF_TOTAL,
        "gf2022q3",
    ),
    (
        "umc_fab12i",
        "UMC Fab 12i, Singapore (40/28 nm)",
        "UMC",
        "TWN",
        "SGP",
        "logic_28nm",
        0.13 * UMC_TOTAL,
        "icinsights2021",
    ),
    ("jasm_kumamoto", "JASM Kumamoto (TSMC/Sony, 28/22 nm, from 2024)", "TSMC", "TWN", "JPN", "logic_28nm", 3.0, "est"),
    (
        "umc_fab12m",
        "UMC Fab 12M, Mie (ex-Fujitsu, 40-90 nm)",
        "UMC",
        "TWN",
        "JPN",
        "logic_mature",
        0.085 * UMC_TOTAL,
        "icinsights2021",
    ),
    (
        "tsmc_mature",
        "TSMC mature fabs (Fab 2-8, 6- and 8-inch, 65 nm+)",
        "TSMC",
        "TWN",
        "TWN",
        "logic_mature",
        TSMC_OTHER - 21.0,
        "tsmc_about2023",
    ),
    ("tsmc_wafertech", "TSMC WaferTech, Camas (8-inch)", "TSMC", "TWN", "USA", "logic_mature", 4.0, "tsmc_about2023"),
    (
        "tsmc_shanghai",
        "TSMC China Fab 10, Shanghai (8-inch)",
        "TSMC",
        "TWN",
        "CHN",
        "logic_mature",
        10.0,
        "tsmc_about2023",
    ),
    ("umc_mature", "UMC 8-inch fabs, Hsinchu", "UMC", "TWN", "TWN", "logic_mature", 0.41 * UMC_TOTAL, "icinsights2021"),
    (
        "umc_hejian",
        "UMC Hejian 8-inch, Suzhou",
        "UMC",
        "TWN",
        "CHN",
        "logic_mature",
        0.08 * UMC_TOTAL,
        "icinsights2021",
    ),
    (
        "vis_fabs",
        "Vanguard International Semiconductor, Hsinchu (8-inch)",
        "VIS",
        "TWN",
        "TWN",
        "logic_mature",
        24.0,
        "est",
    ),
    ("vis_singapore", "VIS Fab 3E, Singapore (8-inch)", "VIS", "TWN", "SGP", "logic_mature", 4.0, "est"),
    ("psmc_fabs", "Powerchip (PSMC) mature fabs", "PSMC", "TWN", "TWN", "logic_mature", 22.0, "est"),
    (
        "smic_mature",
        "SMIC mature fabs (Shanghai, Tianjin, Shenzhen)",
        "SMIC",
        "CHN",
        "CHN",
        "logic_mature",
        0.685 * SMIC_TOTAL,
        "smic2024",
    ),
    ("nexchip_hefei", "Nexchip, Hefei", "Nexchip", "CHN", "CHN", "logic_mature", 20.0, "est"),
    (
        "gf_vermont",
        "GlobalFoundries Fab 9, Essex Junction (8-inch)",
        "GlobalFoundries",
        "USA",
        "USA",
        "logic_mature",
        0.08 * GF_TOTAL,
        "gf2022q3",
    ),
    (
        "gf_singapore200",
        "GlobalFoundries 8-inch fabs, Singapore",
        "GlobalFoundries",
        "USA",
        "SGP",
        "logic_mature",
        0.12 * GF_TOTAL,
        "gf2022q3",
    ),
    (
        "nxp_austin",
        "NXP ATMC and Oak Hill, Austin (8-inch, MCU and mixed signal)",
        "NXP",
        "NLD",
        "USA",
        "logic_mature",
        8.0,
        "est",
    ),
    (
        "infineon_austin",
        "Infineon Fab 25, Austin (ex-Cypress, 8-inch, MCU)",
        "Infineon",
        "DEU",
        "USA",
        "logic_mature",
        4.0,
        "est",
    ),
    (
        "microchip_fabs",
        "Microchip Fab 2/4/5, Tempe, Gresham, Colorado Springs (MCU)",
        "Microchip",
        "USA",
        "USA",
        "logic_mature",
        12.0,
        "est",
    ),
    ("renesas_naka", "Renesas Naka (MCU/SoC, 8- and 12-inch)", "Renesas", "JPN", "JPN", "logic_mature", 12.0, "est"),
    (
        "renesas_kawashiri",
        "Renesas Kawashiri, Saijo and Takasaki (MCU)",
        "Renesas",
        "JPN",
        "JPN",
        "logic_mature",
        10.0,
        "est",
    ),
    ("db_hitek", "DB HiTek, Bucheon/Eumseong (8-inch)", "DB HiTek", "KOR", "KOR", "logic_mature", 15.0, "est"),
    ("key_foundry", "Key Foundry, Cheongju (8-inch)", "SK hynix", "KOR", "KOR", "logic_mature", 8.0, "est"),
    (
        "samsung_giheung8",
        "Samsung Giheung 8-inch (DDI, PMIC, CIS)",
        "Samsung Electronics",
        "KOR",
        "KOR",
        "logic_mature",
        0.10 * SAMSUNG_LOGIC,
        "knometa2022",
    ),
    (
        "infineon_dresden",
        "Infineon Dresden (8-inch logic/MCU, 12-inch power)",
        "Infineon",
        "DEU",
        "DEU",
        "logic_mature",
        14.0,
        "est",
    ),
    (
        "st_crolles",
        "STMicroelectronics Crolles (12-inch FD-SOI, MCU, imaging)",
        "STMicroelectronics",
        "CHE",
        "FRA",
        "logic_mature",
        14.0,
        "est",
    ),
    (
        "st_rousset",
        "STMicroelectronics Rousset (8-inch MCU)",
        "STMicroelectronics",
        "CHE",
        "FRA",
        "logic_mature",
        8.0,
        "est",
    ),
    ("nxp_nijmegen", "NXP ICN8, Nijmegen", "NXP", "NLD", "NLD", "logic_mature", 5.0, "est"),
    (
        "ssmc_singapore",
        "SSMC, Singapore (NXP/TSMC joint venture, 8-inch)",
        "SSMC",
        "NLD",
        "SGP",
        "logic_mature",
        6.0,
        "est",
    ),
    (
        "japan_logic_other",
        "Other Japanese MCU and logic fabs (aggregate)",
        "Japan logic fabs",
        "JPN",
        "JPN",
        "logic_mature",
        30.0,
        "est",
    ),
    (
        "tower_migdal",
        "Tower Semiconductor, Migdal HaEmek",
        "Tower Semiconductor",
        "ISR",
        "ISR",
        "logic_mature",
        5.0,
        "est",
    ),
    ("xfab_kuching", "X-FAB Sarawak, Kuching", "X-FAB", "DEU", "MYS", "logic_mature", 3.0, "est"),
    ("silterra_kulim", "SilTerra, Kulim", "SilTerra", "MYS", "MYS", "logic_mature", 4.0, "est"),
]
for fid, name, comp, hq, cty, item, cap, src in LOGIC:
    fac(fid, name, comp, hq, cty, "foundry", item, round(cap, 2), 130, src)

# --- discrete, analog and other (DAO: power, analog, PMIC, sensors) fabs, item analog_power (kind foundry;
# MCU fabs are logic, as in the SIA/BCG taxonomy). No company publishes these capacities: each is an
# estimate, sized so that the country shares of all fabrication match SIA 2022 (see the README) ---
DAO = [
    # id, name, company, hq, country, capacity, source
    (
        "ti_rfab",
        "Texas Instruments RFAB1/RFAB2, Richardson (12-inch analog)",
        "Texas Instruments",
        "USA",
        "USA",
        14.0,
        "ti_rfab2004",
    ),
    ("ti_dallas", "Texas Instruments DMOS6 and DFAB, Dallas", "Texas Instruments", "USA", "USA", 12.0, "est"),
    ("ti_lehi", "Texas Instruments LFAB, Lehi (12-inch)", "Texas Instruments", "USA", "USA", 7.0, "est"),
    (
        "ti_sherman",
        "Texas Instruments SFAB Sherman and South Portland (8-inch)",
        "Texas Instruments",
        "USA",
        "USA",
        8.0,
        "est",
    ),
    ("adi_fabs", "Analog Devices Wilmington, Beaverton and Camas", "Analog Devices", "USA", "USA", 8.0, "est"),
    ("onsemi_fishkill", "onsemi East Fishkill (12-inch power and sensors)", "onsemi", "USA", "USA", 10.0, "est"),
    ("onsemi_other", "onsemi Mountain Top and Nampa", "onsemi", "USA", "USA", 6.0, "est"),
    (
        "us_dao_other",
        "Other US discrete, power, analog and sensor fabs (aggregate)",
        "US DAO fabs",
        "USA",
        "USA",
        120.0,
        "est",
    ),
    (
        "sony_cis",
        "Sony Semiconductor Nagasaki, Kumamoto, Oita, Yamagata (image sensors)",
        "Sony",
        "JPN",
        "JPN",
        45.0,
        "est",
    ),
    ("toshiba_kaga", "Toshiba Kaga (power discretes)", "Toshiba", "JPN", "JPN", 10.0, "est"),
    ("rohm_lapis", "ROHM and Lapis, Miyazaki and Chikugo", "ROHM", "JPN", "JPN", 15.0, "est"),
    (
        "mitsubishi_power",
        "Mitsubishi Electric power devices, Fukuoka and Kumamoto",
        "Mitsubishi Electric",
        "JPN",
        "JPN",
        8.0,
        "est",
    ),
    ("fuji_power", "Fuji Electric Matsumoto and Yamanashi", "Fuji Electric", "JPN", "JPN", 6.0, "est"),
    (
        "tpsco_hokuriku",
        "Tower Partners Semiconductor, Uozu, Tonami and Arai",
        "Tower Semiconductor",
        "ISR",
        "JPN",
        12.0,
        "est",
    ),
    ("ti_aizu", "Texas Instruments Aizu (8-inch analog)", "Texas Instruments", "USA", "JPN", 6.0, "est"),
    ("renesas_kofu", "Renesas Kofu (12-inch power)", "Renesas", "JPN", "JPN", 3.0, "est"),
    (
        "japan_dao_other",
        "Other Japanese discrete, power, analog and sensor fabs (aggregate)",
        "Japan DAO fabs",
        "JPN",
        "JPN",
        210.0,
        "est",
    ),
    ("infineon_villach", "Infineon Villach (power)", "Infineon", "DEU", "AUT", 12.0, "est"),
    ("infineon_regensburg", "Infineon Regensburg (8-inch)", "Infineon", "DEU", "DEU", 6.0, "est"),
    ("bosch_reutlingen", "Bosch Reutlingen/Dresden (MEMS, ASIC, power)", "Bosch", "DEU", "DEU", 8.0, "est"),
    (
        "st_agrate",
        "STMicroelectronics Agrate (analog/BCD, 12-inch power)",
        "STMicroelectronics",
        "CHE",
        "ITA",
        10.0,
        "est",
    ),
    ("st_catania", "STMicroelectronics Catania (power, SiC)", "STMicroelectronics", "CHE", "ITA", 6.0, "est"),
    (
        "europe_dao_other",
        "Other European discrete, power, analog and sensor fabs (aggregate)",
        "Europe DAO fabs",
        "DEU",
        "DEU",
        140.0,
        "est",
    ),
    ("infineon_kulim", "Infineon Kulim (power)", "Infineon", "DEU", "MYS", 10.0, "est"),
    (
        "sea_dao_other",
        "Other South-East Asian discrete, power and sensor fabs (aggregate)",
        "SE Asia DAO fabs",
        "MYS",
        "MYS",
        90.0,
        "est",
    ),
    (
        "taiwan_dao_other",
        "Other Taiwanese discrete, power, analog and sensor fabs (aggregate)",
        "Taiwan DAO fabs",
        "TWN",
        "TWN",
        73.0,
        "est",
    ),
    ("magnachip_gumi", "Magnachip Gumi (power discretes)", "Magnachip", "KOR", "KOR", 6.0, "est"),
    ("st_singapore", "STMicroelectronics Ang Mo Kio (analog, power)", "STMicroelectronics", "CHE", "SGP", 8.0, "est"),
    (
        "huahong_wuxi",
        "Hua Hong Fab 7, Wuxi (12-inch power discretes, eNVM)",
        "Hua Hong",
        "CHN",
        "CHN",
        HUAHONG_FAB7,
        "huahong2024",
    ),
    (
        "huahong_shanghai",
        "Hua Hong Fab 1-3, Shanghai (8-inch power discrete, eNVM, analog)",
        "Hua Hong",
        "CHN",
        "CHN",
        HUAHONG_TOTAL - HUAHONG_FAB7,
        "huahong2024",
    ),
    (
        "crmicro_fabs",
        "China Resources Microelectronics, Wuxi, Chongqing, Shenzhen",
        "China Resources Microelectronics",
        "CHN",
        "CHN",
        30.0,
        "est",
    ),
    ("silan_fabs", "Hangzhou Silan, Hangzhou and Xiamen", "Silan", "CHN", "CHN", 20.0, "est"),
    (
        "china_dao_other",
        "Other Chinese discrete, power, analog and sensor fabs (aggregate)",
        "China DAO fabs",
        "CHN",
        "CHN",
        380.0,
        "est",
    ),
]
for fid, name, comp, hq, cty, cap, src in DAO:
    fac(fid, name, comp, hq, cty, "foundry", "analog_power", round(cap, 2), 130, src)

# --- memory fabs (kwafer per week) and HBM lines (derived) ---
MEMORY = [
    # id, name, company, hq, country, item, capacity, source
    (
        "samsung_dram",
        "Samsung Pyeongtaek/Hwaseong DRAM",
        "Samsung Electronics",
        "KOR",
        "KOR",
        "dram",
        SAMSUNG_MEMORY - SAMSUNG_NAND,
        "knometa2022",
    ),
    (
        "skhynix_icheon",
        "SK hynix Icheon M14/M16 DRAM",
        "SK hynix",
        "KOR",
        "KOR",
        "dram",
        0.33 * SKHYNIX_TOTAL,
        "knometa2022",
    ),
    ("skhynix_wuxi", "SK hynix Wuxi C2 DRAM", "SK hynix", "KOR", "CHN", "dram", 0.22 * SKHYNIX_TOTAL, "knometa2022"),
    ("micron_taichung", "Micron Taichung/Taoyuan DRAM", "Micron", "USA", "TWN", "dram", 45.0, "est"),
    ("micron_hiroshima", "Micron Hiroshima DRAM", "Micron", "USA", "JPN", "dram", 16.0, "est"),
    ("nanya_dram", "Nanya Technology, New Taipei", "Nanya", "TWN", "TWN", "dram", 11.0, "est"),
    (
        "winbond_taichung",
        "Winbond Taichung/Kaohsiung (specialty DRAM)",
        "Winbond",
        "TWN",
        "TWN",
        "dram_legacy",
        14.0,
        "est",
    ),
    ("cxmt_hefei", "CXMT Hefei DRAM", "CXMT", "CHN", "CHN", "dram_legacy", CXMT_TOTAL, "omdia_cxmt"),
    (
        "samsung_nand",
        "Samsung Pyeongtaek/Hwaseong NAND",
        "Samsung Electronics",
        "KOR",
        "KOR",
        "nand",
        0.6 * SAMSUNG_NAND,
        "chosun2024",
    ),
    (
        "samsung_xian",
        "Samsung Xi'an NAND",
        "Samsung Electronics",
        "KOR",
        "CHN",
        "nand",
        0.4 * SAMSUNG_NAND,
        "chosun2024",
    ),
    (
        "skhynix_cheongju",
        "SK hynix Cheongju NAND",
        "SK hynix",
        "KOR",
        "KOR",
        "nand",
        0.31 * SKHYNIX_TOTAL,
        "knometa2022",
    ),
    (
        "solidigm_dalian",
        "Solidigm (SK hynix) Dalian NAND",
        "SK hynix",
        "KOR",
        "CHN",
        "nand",
        0.14 * SKHYNIX_TOTAL,
        "knometa2022",
    ),
    (
        "kioxia_yokkaichi",
        "Kioxia Yokkaichi/Kitakami NAND",
        "Kioxia",
        "JPN",
        "JPN",
        "nand",
        0.5 * KIOXIA_WD_TOTAL,
        "knometa2022",
    ),
    (
        "wdc_jv",
        "Western Digital share of the Kioxia JV fabs",
        "Western Digital",
        "USA",
        "JPN",
        "nand",
        0.5 * KIOXIA_WD_TOTAL,
        "knometa2022",
    ),
    ("micron_singapore", "Micron Singapore NAND", "Micron", "USA", "SGP", "nand", 30.0, "est"),
    ("ymtc_wuhan", "YMTC Wuhan NAND", "YMTC", "CHN", "CHN", "nand", YMTC_TOTAL, "yole_ymtc"),
]
for fid, name, comp, hq, cty, item, cap, src in MEMORY:
    fac(fid, name, comp, hq, cty, "memory", item, round(cap, 2), 130, src)
for fid, name, comp, hq, cty in [
    ("skhynix_hbm", "SK hynix HBM (Icheon/Cheongju TSV lines)", "SK hynix", "KOR", "KOR"),
    ("samsung_hbm", "Samsung HBM (Cheonan TSV lines)", "Samsung Electronics", "KOR", "KOR"),
    ("micron_hbm", "Micron HBM (Taichung)", "Micron", "USA", "TWN"),
    ("cxmt_hbm", "CXMT HBM2/HBM2E pilot", "CXMT", "CHN", "CHN"),
]:
    fac(fid, name, comp, hq, cty, "memory", "hbm", None, 52, "trendforce_hbm")

# --- advanced packaging (derived) and assembly/test (fixed, million units per week) ---
for fid, name, comp, hq, cty in [
    ("tsmc_cowos", "TSMC CoWoS (AP3/AP5/AP6)", "TSMC", "TWN", "TWN"),
    ("spil_cowos", "SPIL 2.5D packaging, Taichung", "ASE Technology", "TWN", "TWN"),
    ("amkor_korea_adv", "Amkor Korea 2.5D (K5)", "Amkor", "USA", "KOR"),
    ("jcet_adv", "JCET XDFOI 2.5D, Jiangyin", "JCET", "CHN", "CHN"),
]:
    fac(fid, name, comp, hq, cty, "osat", "cowos", None, 52)
ATP = [
    ("ase_kaohsiung", "ASE Kaohsiung", "ASE Technology", "TWN", "TWN", 150.0),
    ("spil_taichung", "SPIL Taichung", "ASE Technology", "TWN", "TWN", 60.0),
    ("pti_hsinchu", "Powertech Technology, Hsinchu", "Powertech", "TWN", "TWN", 40.0),
    ("kyec_test", "King Yuan Electronics (test)", "KYEC", "TWN", "TWN", 30.0),
    ("jcet_jiangyin", "JCET Jiangyin", "JCET", "CHN", "CHN", 140.0),
    ("tongfu_nantong", "Tongfu Microelectronics, Nantong/Suzhou", "Tongfu", "CHN", "CHN", 90.0),
    ("huatian_tianshui", "Huatian Technology, Tianshui", "Huatian", "CHN", "CHN", 70.0),
    ("amkor_korea", "Amkor Technology Korea", "Amkor", "USA", "KOR", 90.0),
    ("amkor_japan", "Amkor Japan (J-Devices)", "Amkor", "USA", "JPN", 60.0),
    ("intel_rio_rancho", "Intel Rio Rancho assembly/test", "Intel", "USA", "USA", 30.0),
    ("amkor_porto", "Amkor Portugal, Porto", "Amkor", "USA", "PRT", 30.0),
    ("amkor_philippines", "Amkor Philippines", "Amkor", "USA", "PHL", 50.0),
    ("amkor_vietnam", "Amkor Vietnam, Bac Ninh", "Amkor", "USA", "VNM", 30.0),
    ("intel_vietnam", "Intel Products Vietnam, Ho Chi Minh City", "Intel", "USA", "VNM", 30.0),
    ("intel_penang", "Intel Penang/Kulim assembly/test", "Intel", "USA", "MYS", 40.0),
    ("utac_singapore", "UTAC Singapore", "UTAC", "SGP", "SGP", 20.0),
    ("utac_thailand", "UTAC Thailand", "UTAC", "SGP", "THA", 30.0),
]
for fid, name, comp, hq, cty, cap in ATP:
    fac(fid, name, comp, hq, cty, "osat", "assembly_test", cap, 52, "eto2022stages")

# --- optical transceivers and AI servers (derived), counted as assembly (kind osat) ---
for fid, name, comp, hq, cty in [
    ("innolight_optics", "InnoLight, Suzhou", "InnoLight", "CHN", "CHN"),
    ("eoptolink_optics", "Eoptolink, Chengdu", "Eoptolink", "CHN", "CHN"),
    ("coherent_optics", "Coherent transceivers, Ipoh", "Coherent", "USA", "MYS"),
    ("fabrinet_optics", "Fabrinet, Chonburi", "Fabrinet", "USA", "THA"),
]:
    fac(fid, name, comp, hq, cty, "osat", "optical_transceiver", None, 26)
SERVERS = [
    # id, name, company, hq, country, accelerator item
    ("foxconn_hgx", "Foxconn HGX H100 servers", "Foxconn", "TWN", "TWN", "gpu_h100"),
    ("foxconn_mex_gb200", "Foxconn Guadalajara Blackwell racks", "Foxconn", "TWN", "MEX", "gpu_b200"),
    ("supermicro_hgx", "Supermicro HGX servers, San Jose", "Supermicro", "USA", "USA", "gpu_h100"),
    ("dell_hgx", "Dell PowerEdge XE (Blackwell)", "Dell", "USA", "USA", "gpu_b200"),
    ("supermicro_mi300", "Supermicro MI300X servers", "Supermicro", "USA", "USA", "gpu_mi300"),
    ("quanta_asic", "Quanta TPU/Trainium racks", "Quanta", "TWN", "TWN", "ai_asic"),
    ("inspur_h100", "Inspur H100 servers", "Inspur", "CHN", "CHN", "gpu_h100"),
    ("inspur_a100", "Inspur A100 servers", "Inspur", "CHN", "CHN", "gpu_a100"),
    ("h3c_h800", "H3C H800 servers", "H3C", "CHN", "CHN", "gpu_h800"),
    ("inspur_a800", "Inspur A800 servers", "Inspur", "CHN", "CHN", "gpu_a800"),
    ("lenovo_h20", "Lenovo H20 servers", "Lenovo", "CHN", "CHN", "gpu_h20"),
    ("huawei_atlas", "Huawei Atlas 900 / CloudMatrix", "Huawei", "CHN", "CHN", "ascend_910"),
    ("sugon_mlu", "Sugon MLU servers", "Sugon", "CHN", "CHN", "mlu"),
]
for fid, name, comp, hq, cty, _acc in SERVERS:
    fac(fid, name, comp, hq, cty, "osat", "ai_server", None, 26)

# --- compute centres: H100-equivalents brought online per week (estimates) ---
COMPUTE = [
    # id, name, company, country, capacity, server-mix key
    ("msft_us", "Microsoft Azure / OpenAI clusters, US", "Microsoft", "USA", 14000.0, "us_mix"),
    ("meta_us", "Meta AI clusters, US", "Meta", "USA", 12000.0, "us_mix"),
    ("google_us", "Google Cloud TPU/GPU, US", "Google", "USA", 12000.0, "google_mix"),
    ("aws_us", "AWS, US", "Amazon", "USA", 11000.0, "aws_mix"),
    ("xai_colossus", "xAI Colossus, Memphis", "xAI", "USA", 4000.0, "us_mix"),
    ("oracle_us", "Oracle Cloud, US", "Oracle", "USA", 5000.0, "us_mix"),
    ("coreweave_us", "CoreWeave, US", "CoreWeave", "USA", 4000.0, "us_mix"),
    ("doe_us", "US DOE national labs (El Capitan, Frontier)", "US DOE", "USA", 1500.0, "amd_mix"),
    ("alibaba_cn", "Alibaba Cloud, China", "Alibaba", "CHN", 4000.0, "cn_cloud"),
    ("bytedance_cn", "ByteDance / Volcano Engine, China", "ByteDance", "CHN", 5000.0, "cn_cloud"),
    ("tencent_cn", "Tencent Cloud, China", "Tencent", "CHN", 3000.0, "cn_cloud"),
    ("baidu_cn", "Baidu AI Cloud, China", "Baidu", "CHN", 2000.0, "cn_cloud"),
    ("china_national", "China national computing hubs", "China national compute", "CHN", 3000.0, "cn_national"),
    ("uk_airr", "UK AI Research Resource (Isambard-AI)", "UK AIRR", "GBR", 800.0, "eu_mix"),
    ("france_ai", "France AI compute (Jean Zay, Mistral, Scaleway)", "France AI compute", "FRA", 800.0, "eu_mix"),
    ("jupiter_de", "JUPITER, Juelich", "Forschungszentrum Juelich", "DEU", 600.0, "eu_mix"),
    ("japan_ai", "Japan AI compute (ABCI 3.0, SoftBank)", "Japan AI compute", "JPN", 1500.0, "us_mix"),
    ("korea_ai", "Korea AI compute (Naver, national centre)", "Korea AI compute", "KOR", 1000.0, "us_mix"),
    ("taiwan_ai", "Taiwan AI compute (NCHC, Foxconn)", "Taiwan AI compute", "TWN", 800.0, "us_mix"),
    ("singapore_ai", "Singapore national AI compute", "Singapore AI compute", "SGP", 600.0, "us_mix"),
    ("israel_1", "Israel-1 (NVIDIA), Israel", "NVIDIA", "ISR", 300.0, "us_mix"),
    ("canada_ai", "Canada sovereign AI compute", "Canada AI compute", "CAN", 500.0, "us_mix"),
    ("india_ai", "IndiaAI Mission compute (Yotta and others)", "IndiaAI", "IND", 1200.0, "gs_mix"),
    ("brazil_ai", "Brazil AI compute (LNCC Santos Dumont, clouds)", "Brazil AI compute", "BRA", 300.0, "gs_mix"),
    ("indonesia_ai", "Indonesia AI compute (Indosat and others)", "Indonesia AI compute", "IDN", 250.0, "gs_huawei"),
    (
        "south_africa_ai",
        "South Africa AI compute (CHPC, Cassava)",
        "South Africa AI compute",
        "ZAF",
        150.0,
        "gs_huawei",
    ),
    ("mexico_ai", "Mexico AI compute (clouds, universities)", "Mexico AI compute", "MEX", 200.0, "gs_mix"),
    ("saudi_ai", "Saudi Arabia AI compute (HUMAIN, KAUST)", "HUMAIN", "SAU", 1500.0, "gulf_mix"),
    ("uae_ai", "UAE AI compute (G42, Khazna)", "G42", "ARE", 2000.0, "gulf_mix"),
    ("nigeria_ai", "Nigeria AI compute (Cassava AI factory)", "Nigeria AI compute", "NGA", 100.0, "gs_mix"),
    ("kenya_ai", "Kenya AI compute", "Kenya AI compute", "KEN", 80.0, "gs_huawei"),
    ("vietnam_ai", "Vietnam AI compute (Viettel, FPT)", "Vietnam AI compute", "VNM", 300.0, "gs_mix"),
    ("malaysia_ai", "Malaysia AI compute (YTL, Johor)", "Malaysia AI compute", "MYS", 1200.0, "gs_mix"),
]
for fid, name, comp, cty, cap, _mix in COMPUTE:
    fac(fid, name, comp, cty, cty, "compute", "ai_compute", cap, 52)

# =============================================================================================
# supplier splits: {item: {supplier: share}} (normalised), overridden per buyer where noted
# =============================================================================================


def norm(d: dict[str, float]) -> dict[str, float]:
    total = sum(d.values())
    return {k: v / total for k, v in d.items()}


def mainstream_split(
    combined: dict[str, float], advanced: dict[str, float], adv_spend: float, main_spend: float
) -> dict[str, float]:
    """The mainstream split that, with the advanced split, gives the combined company shares."""
    combined = norm(combined)
    out = {
        k: (combined[k] * (adv_spend + main_spend) - adv_spend * advanced.get(k, 0.0)) / main_spend for k in combined
    }
    assert all(v > 0 for v in out.values()), out
    return norm(out)


# ETO 2025 market sizes (inputs.csv at the eto2025 commit, column market_share_chart_global_market_size_info,
# USD million a year; N8 is 2022), with the line of inputs.csv each is read from
ETO_MARKET = {
    "N8": 44.0,  # L13
    "N9": 296.0,  # L14
    "N10": 665.7,  # L15
    "N30": 170.2,  # L37
    "N36": 26200.0,  # L43
    "N40": 1600.0,  # L47
    "N41": 4100.0,  # L48
    "N60": 15700.0,  # L72
    "N62": 2200.0,  # L74
    "N71": 1900.0,  # L85
    "N83": 2900.0,  # L104
    "N109": 6200.0,  # L124
}


def net_of(
    parent: dict[str, float], parent_market: float, parts: list[tuple[dict[str, float], float]]
) -> dict[str, float]:
    """Company shares (percent) of a parent ETO input less its separately modelled children: each
    company's USD (share x market) in the parent minus its USD in the children, over the rest of the
    market. Companies absent from a child's rows count 0 there."""
    rest = parent_market - sum(m for _p, m in parts)
    out = {k: (v * parent_market - sum(p.get(k, 0.0) * m for p, m in parts)) / rest for k, v in parent.items()}
    assert all(v > 0 for v in out.values()), out
    return out


# ETO 2025 company shares (percent, provision.csv at the eto2025 commit) of the inputs that are
# netted out of a parent input
ALD_SHARES = {
    "asmi": 54.5,
    "tel": 15.5,
    "lam": 10.5,
    "kokusai": 7.6,
    "amat": 3.9,
    "jusung": 2.4,
    "piotech": 2.2,
    "wonik": 1.4,
}
EPI_SHARES = {"amat": 73.7, "asmi": 18.7, "naura": 4.9}  # N40 High-temperature CVD tools
MASK_INSP_SHARES = {"kla": 45.9, "lasertec": 42.0, "zeiss": 10.1}  # N62
BONDER_SHARES = {"evg": 47.9, "tel": 25.6, "suss": 20.9, "scientech": 4.5}  # N10

# annual purchases: lithography in units a year, other tools in USD million a year (estimates, except
# the tools added from the ETO 2025 release: ETO's 2025 market size). ALD (N41) and epitaxy (N40) are
# their own items, so dep_advanced's 12 000 is cut by their 4 100 + 1 600; photomask inspection
# (N62, bought by mask shops) is out of metrology's 12 000 (less 2 200).
TOOL_SPEND = {
    "euv_scanner": 53,
    "arfi_advanced": 70,
    "arfi_mainstream": 55,
    "arf_dry": 30,
    "krf_scanner": 180,
    "iline_stepper": 130,
    "resist_track": 3000,
    "dep_advanced": 12000 - ETO_MARKET["N41"] - ETO_MARKET["N40"],
    "dep_mainstream": 10000,
    "etch_advanced": 12000,
    "etch_mainstream": 9000,
    "clean_tool": 6000,
    "cmp_tool": 3000,
    "ion_implanter": 3000,
    "metrology": 12000 - ETO_MARKET["N62"],
    "ald_tool": ETO_MARKET["N41"],
    "epi_tool": ETO_MARKET["N40"],
    "laser_mask_writer": ETO_MARKET["N30"],
    "mask_inspection": ETO_MARKET["N62"],
    "dicing_tool": ETO_MARKET["N71"],
    "wafer_bonder": ETO_MARKET["N10"],
    "adv_pkg_tool": ETO_MARKET["N109"] - ETO_MARKET["N10"],  # N109 less its child N10 (wafer_bonder)
    "prober_handler": ETO_MARKET["N83"],
    "crystal_furnace": ETO_MARKET["N8"],
    "crystal_machining": ETO_MARKET["N9"],
}

# advanced CVD/PVD without ALD and epitaxy (estimate): ASM International's and Kokusai's ALD and epi
# are in ald_tool and epi_tool
DEP_ADV = norm(
    {"amat_dep_adv": 0.55, "lam_dep_adv": 0.25, "tel_dep_adv": 0.12, "asmi_dep_adv": 0.03, "kokusai_dep_adv": 0.05}
)
DEP_COMBINED = net_of(
    {"amat": 41.2, "lam": 16.9, "tel": 9.7, "asmi": 10.9, "kokusai": 3.3, "naura": 6.3, "piotech": 2.6, "wonik": 1.6},
    ETO_MARKET["N36"],
    [(ALD_SHARES, ETO_MARKET["N41"]), (EPI_SHARES, ETO_MARKET["N40"])],
)  # ETO 2025 deposition tools (N36) less ALD (N41) and high-temperature CVD (N40), company shares
ETCH_ADV = norm({"lam_etch_adv": 0.45, "amat_etch_adv": 0.20, "tel_etch_adv": 0.32, "hitachi_etch_adv": 0.03})
ETCH_COMBINED = {"lam": 41.1, "amat": 17.4, "tel": 23.4, "hitachi": 2.3, "amec": 6.3, "naura": 5.9}  # ETO 2025 N103
# process control (N60) less photomask inspection and repair (N62, the item mask_inspection)
METROLOGY_NET = net_of(
    {
        "kla": 56.8,
        "amat": 11.2,
        "onto": 2.6,
        "lasertec": 6.4,
        "hitachi": 6.2,
        "asml": 5.9,
        "nova": 4.3,
        "camtek": 1.6,
    },
    ETO_MARKET["N60"],
    [(MASK_INSP_SHARES, ETO_MARKET["N62"])],
)
# advanced-packaging fab tools (N109) less wafer bonding (N10, the item wafer_bonder); EV Group's and
# SUSS MicroTec's N109 dollars are all bonding (their net is below 0.1 %), so they have no facility
# here; the makers of 1.2-1.7 % (net 1.3-1.9 %) are kept so that the country shares validate
ADV_PKG_NET = net_of(
    {
        "amat": 25.1,
        "lam": 19.3,
        "kla": 14.6,
        "tel": 8.0,
        "onto": 5.3,
        "naura": 2.9,
        "camtek": 2.7,
        "screen": 2.6,
        "shibaura": 1.7,
        "ebara": 1.5,
        "amec": 1.4,
        "asmpt": 1.2,
    },
    ETO_MARKET["N109"],
    [(BONDER_SHARES, ETO_MARKET["N10"])],
)


def _combined_split(
    combined: dict[str, float], advanced: dict[str, float], main_ids: dict[str, str], adv_item: str, main_item: str
) -> dict[str, float]:
    adv_by_company = {k.split("_")[0]: v for k, v in advanced.items()}
    main = mainstream_split(combined, adv_by_company, TOOL_SPEND[adv_item], TOOL_SPEND[main_item])
    return {main_ids[k]: v for k, v in main.items()}


DEP_MAIN = _combined_split(
    DEP_COMBINED,
    DEP_ADV,
    {
        "amat": "amat_dep_main",
        "lam": "lam_dep_main",
        "tel": "tel_dep_main",
        "asmi": "asmi_dep_main",
        "kokusai": "kokusai_dep_main",
        "naura": "naura_dep",
        "piotech": "piotech_dep",
        "wonik": "wonik_dep",
    },
    "dep_advanced",
    "dep_mainstream",
)
ETCH_MAIN = _combined_split(
    ETCH_COMBINED,
    ETCH_ADV,
    {
        "lam": "lam_etch_main",
        "amat": "amat_etch_main",
        "tel": "tel_etch_main",
        "hitachi": "hitachi_etch_main",
        "amec": "amec_etch",
        "naura": "naura_etch",
    },
    "etch_advanced",
    "etch_mainstream",
)

SPLITS: dict[str, dict[str, float]] = {
    "polysilicon": norm(
        {
            "wacker_burghausen": 0.35,
            "hemlock_poly": 0.25,
            "tokuyama_poly": 0.15,
            "mitsubishi_poly": 0.10,
            "huanghe_poly": 0.15,
        }
    ),
    "wafer_300mm": norm(
        {
            "shinetsu_wafer": 0.30,
            "sumco_wafer": 0.26,
            "globalwafers": 0.16,
            "siltronic_wafer": 0.14,
            "sk_siltron": 0.10,
            "nsig_wafer": 0.04,
        }
    ),
    "photoresist": norm(
        {
            "jsr_resist": 0.27,
            "tok_resist": 0.25,
            "shinetsu_resist": 0.17,
            "sumitomo_resist": 0.12,
            "fujifilm_resist": 0.10,
            "dupont_resist": 0.05,
            "dongjin_resist": 0.02,
            "merck_resist": 0.02,
        }
    ),
    "polyimide": norm({"toray_pi": 0.5, "hdm_pi": 0.5}),
    "euv_resist": {
        "jsr_euv_resist": 0.35,
        "tok_euv_resist": 0.35,
        "shinetsu_euv_resist": 0.2,
        "dupont_euv_resist": 0.1,
    },
    "hydrogen_fluoride": norm({"stella_hf": 0.40, "morita_hf": 0.30, "dofluoride_hf": 0.20, "honeywell_hf": 0.10}),
    "neon": norm(
        {
            "ingas_neon": 0.30,
            "cryoin_neon": 0.20,
            "hangyang_neon": 0.20,
            "linde_neon": 0.10,
            "airliquide_neon": 0.10,
            "tnsc_neon": 0.05,
            "posco_neon": 0.05,
        }
    ),
    "gallium": norm({"chalco_gallium": 0.60, "fangyuan_gallium": 0.38, "dowa_gallium": 0.02}),
    "germanium": norm(
        {"yunnan_germanium": 0.40, "zhongjin_germanium": 0.28, "umicore_germanium": 0.20, "teck_germanium": 0.12}
    ),
    "specialty_gas": norm(
        {
            "airliquide_gas": 0.25,
            "linde_gas": 0.25,
            "airproducts_gas": 0.15,
            "tnsc_gas": 0.12,
            "resonac_gas": 0.08,
            "sk_specialty_gas": 0.10,
            "peric_gas": 0.05,
        }
    ),
    "mask_blank": norm({"hoya_blank": 0.70, "agc_blank": 0.25, "sstech_blank": 0.05}),
    "photomask": norm({"toppan_mask": 0.28, "dnp_mask": 0.25, "photronics_mask": 0.40, "tmc_mask": 0.07}),
    "compound_substrate": norm({"sumitomo_electric_gaas": 0.40, "freiberger_gaas": 0.30, "axt_tongmei": 0.30}),
    "abf_substrate": norm(
        {
            "ibiden_substrate": 0.30,
            "unimicron_substrate": 0.30,
            "shinko_substrate": 0.15,
            "ats_substrate": 0.10,
            "semco_substrate": 0.15,
        }
    ),
    "euv_optics": {"zeiss_smt": 1.0},
    "euv_scanner": {"asml_euv": 1.0},
    # ETO 2025 company shares (eto2025), renormalised over the modelled companies: ETO's residual
    # "Various companies" row and companies below about 2 % without a facility are left out
    # (the README's section "ETO release and what moved" lists the exceptions)
    # ArF immersion: Nikon has no company row in 2025; the JPN country row (0.7 %) is Nikon's
    "arfi_advanced": {"asml_arfi_adv": 0.993, "nikon_arfi_adv": 0.007},
    "arfi_mainstream": {"asml_arfi_main": 0.993, "nikon_arfi_main": 0.007},
    "arf_dry": norm({"asml_arf_dry": 0.944, "nikon_arf_dry": 0.056, "smee_arf_dry": 0.005}),
    "krf_scanner": norm({"asml_krf": 0.66, "canon_krf": 0.31, "nikon_krf": 0.03}),
    "iline_stepper": norm(
        {
            "canon_iline": 0.537,
            "asml_iline": 0.312,
            "nikon_iline": 0.033,
            "veeco_iline": 0.052,
            "onto_iline": 0.025,
            "smee_iline": 0.042,
        }
    ),
    # tracks: SUSS MicroTec has no company row in 2025; the DEU country row (0.7 %) is kept as its share
    "resist_track": norm(
        {"tel_track": 0.926, "screen_track": 0.026, "suss_track": 0.007, "semes_track": 0.019, "kingsemi_track": 0.005}
    ),
    "dep_advanced": DEP_ADV,
    "dep_mainstream": DEP_MAIN,
    "etch_advanced": ETCH_ADV,
    "etch_mainstream": ETCH_MAIN,
    "clean_tool": norm(
        {
            "screen_clean": 0.320,
            "tel_clean": 0.191,
            "lam_clean": 0.221,
            "acm_clean": 0.098,
            "semes_clean": 0.055,
            "naura_clean": 0.035,
        }
    ),
    "cmp_tool": norm({"amat_cmp": 0.488, "ebara_cmp": 0.361, "hwatsing_cmp": 0.123, "kctech_cmp": 0.015}),
    "ion_implanter": norm(
        {
            "amat_implant": 0.626,
            "axcelis_implant": 0.220,
            "smit_implant": 0.088,
            "nissin_implant": 0.019,
            "cetc_implant": 0.031,
        }
    ),
    "metrology": norm(
        {
            "kla_metrology": METROLOGY_NET["kla"],
            "amat_metrology": METROLOGY_NET["amat"],
            "onto_metrology": METROLOGY_NET["onto"],
            "lasertec_metrology": METROLOGY_NET["lasertec"],
            "hitachi_metrology": METROLOGY_NET["hitachi"],
            "asml_hmi": METROLOGY_NET["asml"],
            "nova_metrology": METROLOGY_NET["nova"],
            "camtek_metrology": METROLOGY_NET["camtek"],
        }
    ),
    # test tools (N120, testers only); Cohu has no N120 row in 2025 (its facility makes handlers)
    "test_equipment": norm(
        {
            "advantest_test": 0.627,
            "teradyne_test": 0.218,
            "changchuan_test": 0.043,
            "accotest_test": 0.018,
            "chroma_test": 0.015,
            "yikc_test": 0.014,
            "di_test": 0.021,
        }
    ),
    # die attach for ICs (N131; the 2024 basis was N73, all die attach): Shinkawa has no row in 2025,
    # its group's Yamaha Robotics row (1.4 %) is kept as its share; Hoson has no N131 row, the CHN
    # country row (0.5 %) is kept as its share
    "packaging_tool": norm(
        {
            "besi_bond": 0.264,
            "semes_bond": 0.085,
            "hanmi_bond": 0.236,
            "asmpt_bond": 0.164,
            "shinkawa_bond": 0.014,
            "fasford_bond": 0.027,
            "canon_bond": 0.015,
            "shibaura_bond": 0.063,
            "hoson_bond": 0.005,
            "hanwha_bond": 0.058,
            "kns_bond": 0.042,
        }
    ),
    "mask_writer": norm({"nuflare_writer": 0.392, "jeol_writer": 0.142, "ims_writer": 0.466}),
    "laser_mask_writer": norm({"mycronic_writer": 0.707, "amat_laser_writer": 0.279}),
    "mask_inspection": norm({"kla_mask_insp": 0.459, "lasertec_mask_insp": 0.420, "zeiss_mask_repair": 0.101}),
    "ald_tool": norm(
        {
            "asmi_ald": 0.545,
            "tel_ald": 0.155,
            "lam_ald": 0.105,
            "kokusai_ald": 0.076,
            "amat_ald": 0.039,
            "jusung_ald": 0.024,
            "piotech_ald": 0.022,
        }
    ),
    "epi_tool": norm({"amat_epi": 0.737, "asmi_epi": 0.187, "naura_epi": 0.049}),
    "dicing_tool": norm({"disco_dicing": 0.87, "accretech_dicing": 0.081, "asmpt_dicing": 0.025}),
    "wafer_bonder": norm({"evg_bonder": 0.479, "tel_bonder": 0.256, "suss_bonder": 0.209, "scientech_bonder": 0.045}),
    "adv_pkg_tool": norm(
        {
            "amat_advpkg": ADV_PKG_NET["amat"],
            "lam_advpkg": ADV_PKG_NET["lam"],
            "kla_advpkg": ADV_PKG_NET["kla"],
            "tel_advpkg": ADV_PKG_NET["tel"],
            "onto_advpkg": ADV_PKG_NET["onto"],
            "naura_advpkg": ADV_PKG_NET["naura"],
            "camtek_advpkg": ADV_PKG_NET["camtek"],
            "screen_advpkg": ADV_PKG_NET["screen"],
            "shibaura_advpkg": ADV_PKG_NET["shibaura"],
            "ebara_advpkg": ADV_PKG_NET["ebara"],
            "amec_advpkg": ADV_PKG_NET["amec"],
            "asmpt_advpkg": ADV_PKG_NET["asmpt"],
        }
    ),
    "prober_handler": norm(
        {
            "tel_prober": 0.199,
            "accretech_prober": 0.171,
            "hon_handler": 0.135,
            "semics_prober": 0.095,
            "changchuan_handler": 0.067,
            "semes_prober": 0.065,
            "formfactor_prober": 0.045,
            "cohu_test": 0.040,
            "advantest_handler": 0.033,
            "chroma_handler": 0.024,
            "pentamaster_handler": 0.020,
        }
    ),
    "crystal_furnace": {"pvatepla_furnace": 1.0},
    "crystal_machining": norm({"disco_crystal": 0.687, "accretech_crystal": 0.249, "okamoto_crystal": 0.060}),
    "eda": norm(
        {"synopsys_eda": 0.36, "cadence_eda": 0.33, "siemens_eda": 0.22, "ansys_eda": 0.07, "empyrean_eda": 0.02}
    ),
    "core_ip": norm(
        {
            "arm_ip": 0.40,
            "imagination_ip": 0.03,
            "synopsys_ip": 0.26,
            "cadence_ip": 0.13,
            "rambus_ip": 0.06,
            "ceva_ip": 0.07,
            "verisilicon_ip": 0.02,
            "ememory_ip": 0.01,
        }
    ),
    "dram": norm(
        {
            "samsung_dram": 0.45,
            "skhynix_icheon": 0.20,
            "skhynix_wuxi": 0.12,
            "micron_taichung": 0.13,
            "micron_hiroshima": 0.07,
            "nanya_dram": 0.03,
        }
    ),
    "nand": norm(
        {
            "samsung_nand": 0.20,
            "samsung_xian": 0.15,
            "skhynix_cheongju": 0.12,
            "solidigm_dalian": 0.08,
            "kioxia_yokkaichi": 0.13,
            "wdc_jv": 0.12,
            "micron_singapore": 0.12,
            "ymtc_wuhan": 0.08,
        }
    ),
    "hbm": norm({"skhynix_hbm": 0.53, "samsung_hbm": 0.38, "micron_hbm": 0.09}),
    "optical_transceiver": norm(
        {"innolight_optics": 0.35, "eoptolink_optics": 0.20, "coherent_optics": 0.25, "fabrinet_optics": 0.20}
    ),
}
SPLITS["germane"] = {GERMANE_MAKERS[k]: v for k, v in SPLITS["specialty_gas"].items()}

SPLIT_SOURCE = {
    "wafer_300mm": "cset2021",
    "photoresist": "nikkei_resist",
    "neon": "reuters_neon2022",
    "photomask": "cset2021",
    "eda": "cset2021",
    "core_ip": "cset2021",
    "dram": "trendforce_dram",
    "nand": "trendforce_nand",
    "hbm": "trendforce_hbm",
}
for _k in (
    "euv_scanner",
    "arfi_advanced",
    "arfi_mainstream",
    "arf_dry",
    "krf_scanner",
    "iline_stepper",
    "resist_track",
    "dep_advanced",
    "dep_mainstream",
    "etch_advanced",
    "etch_mainstream",
    "clean_tool",
    "cmp_tool",
    "ion_implanter",
    "metrology",
    "test_equipment",
    "packaging_tool",
    "mask_writer",
    "laser_mask_writer",
    "mask_inspection",
    "ald_tool",
    "epi_tool",
    "dicing_tool",
    "wafer_bonder",
    "adv_pkg_tool",
    "prober_handler",
    "crystal_furnace",
    "crystal_machining",
):
    SPLIT_SOURCE[_k] = "eto2025"

# Where each GaAs/InP substrate maker gets its gallium. Japan: China supplied 55 t of the 167 t of
# gallium Japan used in 2021 (33 %, JOGMEC), about half of Japan's supply is recycled scrap
# (yomiuri_gallium2023); Dowa (refining and recycling) stands for the non-Chinese part. Freiberger:
# bought-in gallium "almost entirely" Chinese (reuters_freiberger2023), about 30 % of its charge its
# own scrap fed back (about 60 % of the gallium falls out as waste, almost half of it goes straight
# back: hzdr2015). AXT Tongmei buys in China.
_CN_GA = {"chalco_gallium": 0.60 / 0.98, "fangyuan_gallium": 0.38 / 0.98}
GALLIUM_SOURCING: dict[str, tuple[dict[str, float], str]] = {
    "sumitomo_electric_gaas": (
        {**{k: 0.33 * v for k, v in _CN_GA.items()}, "dowa_gallium": 0.67},
        "jogmec_gallium2021;yomiuri_gallium2023",
    ),
    "freiberger_gaas": (
        {**{k: 0.70 * v for k, v in _CN_GA.items()}, "freiberger_ga_recycling": 0.30},
        "reuters_freiberger2023;hzdr2015",
    ),
}
# Freiberger held "several months' worth of gallium in stock" in July 2023 (reuters_freiberger2023):
# 13 weeks, the lowest reading of "several months"
GALLIUM_STOCK = {"freiberger_gaas": (13.0, "reuters_freiberger2023")}

# Korean fabs in 2019: Japan 44.6 % of HF; the rest domestic and Chinese (businesskorea2019, motie2021)
HF_KOREA = {"stella_hf": 0.25, "morita_hf": 0.196, "soulbrain_hf": 0.25, "enf_hf": 0.104, "dofluoride_hf": 0.20}
# Chinese mature and DAO fabs also buy domestic implanters: Kingstone has no ETO row (2024 or 2025); its
# 3 % at these buyers is an estimate (est:split), the rest the ETO split
IMPLANT_CHINA = norm({**SPLITS["ion_implanter"], "kingstone_implant": 0.03})
# Makers with no company row in the 2025 release keep a share with an estimate source (the README's
# "ETO release and what moved" says which row each share is read from)
SUPPLIER_SOURCE = dict.fromkeys(
    ("kingstone_implant", "nikon_arfi_adv", "nikon_arfi_main", "suss_track", "shinkawa_bond", "hoson_bond"),
    "est:split",
)
"""Supply rows of these suppliers cite this key whatever the buyer's split cites."""
CHINA_DOMESTIC_IMPLANT = (
    "smic_mature",
    "huahong_wuxi",
    "nexchip_hefei",
    "huahong_shanghai",
    "crmicro_fabs",
    "silan_fabs",
    "china_dao_other",
)

# =============================================================================================
# fab recipes
# =============================================================================================

FAB_CLASS = {
    "logic_5nm": "L5",
    "logic_7nm": "L7",
    "logic_16nm": "L16",
    "logic_28nm": "L28",
    "logic_mature": "LM",
    "analog_power": "DAO",
    "dram": "DRAM",
    "dram_legacy": "DRAML",
    "nand": "NAND",
}
# relative intensity per wafer start of each input, by fab class (estimates)
W = {
    "euv_scanner": {"L5": 1.0, "L7": 0.4, "DRAM": 0.25},
    "arfi_advanced": {"L5": 1.0, "L7": 1.0, "L16": 0.3, "DRAM": 0.6, "NAND": 0.2},
    "arfi_mainstream": {"L16": 1.0, "L28": 0.6, "DRAM": 0.4, "DRAML": 0.8, "NAND": 0.4},
    "arf_dry": {"L16": 0.3, "L28": 0.5, "LM": 0.3, "DRAM": 0.2, "DRAML": 0.3, "NAND": 0.2},
    "krf_scanner": {
        "L5": 0.5,
        "L7": 0.5,
        "L16": 0.5,
        "L28": 0.5,
        "LM": 1.0,
        "DAO": 0.6,
        "DRAM": 0.5,
        "DRAML": 0.5,
        "NAND": 1.0,
    },
    "iline_stepper": {
        "L5": 0.2,
        "L7": 0.2,
        "L16": 0.2,
        "L28": 0.2,
        "LM": 1.0,
        "DAO": 1.0,
        "DRAM": 0.2,
        "DRAML": 0.2,
        "NAND": 0.2,
    },
    "resist_track": {
        "L5": 1.0,
        "L7": 1.0,
        "L16": 0.8,
        "L28": 0.6,
        "LM": 0.4,
        "DAO": 0.3,
        "DRAM": 0.8,
        "DRAML": 0.6,
        "NAND": 0.6,
    },
    "dep_advanced": {"L5": 1.0, "L7": 0.9, "L16": 0.7, "DRAM": 0.8, "NAND": 1.0},
    "dep_mainstream": {
        "L5": 0.2,
        "L7": 0.2,
        "L16": 0.3,
        "L28": 1.0,
        "LM": 0.8,
        "DAO": 0.6,
        "DRAM": 0.2,
        "DRAML": 0.8,
        "NAND": 0.3,
    },
    "etch_advanced": {"L5": 1.0, "L7": 0.9, "L16": 0.7, "DRAM": 0.8, "NAND": 1.2},
    "etch_mainstream": {
        "L5": 0.2,
        "L7": 0.2,
        "L16": 0.3,
        "L28": 1.0,
        "LM": 0.8,
        "DAO": 0.6,
        "DRAM": 0.2,
        "DRAML": 0.8,
        "NAND": 0.2,
    },
}
for _t in ("clean_tool", "cmp_tool", "ion_implanter", "metrology"):
    W[_t] = {
        "L5": 1.0,
        "L7": 0.9,
        "L16": 0.7,
        "L28": 0.5,
        "LM": 0.3,
        "DAO": 0.2,
        "DRAM": 0.7,
        "DRAML": 0.6,
        "NAND": 0.7,
    }
W["ion_implanter"]["DAO"] = 0.5  # power devices and analog need many implant steps (estimate)
# ALD: high-k/metal gate, spacers for multi-patterning, DRAM capacitors, 3D NAND (estimates)
W["ald_tool"] = {
    "L5": 1.0,
    "L7": 0.9,
    "L16": 0.7,
    "L28": 0.3,
    "LM": 0.1,
    "DAO": 0.1,
    "DRAM": 0.9,
    "DRAML": 0.6,
    "NAND": 1.0,
}
# epitaxy: SiGe/Si source-drain of FinFET and GAA logic, epi layers of mature power/analog flows (estimates)
W["epi_tool"] = {
    "L5": 1.0,
    "L7": 0.9,
    "L16": 0.8,
    "L28": 0.5,
    "LM": 0.3,
    "DAO": 0.3,
    "DRAM": 0.3,
    "DRAML": 0.3,
    "NAND": 0.2,
}
# tools bought outside the fabs: the fraction of the tool's annual purchases (TOOL_SPEND) each buyer
# class takes, shared within the class by capacity (estimates; buyers named by the item they make)
SPEND_BUYERS = {
    "laser_mask_writer": {"photomask": 1.0},
    "mask_inspection": {"photomask": 1.0},
    "crystal_furnace": {"wafer_300mm": 1.0},
    "crystal_machining": {"wafer_300mm": 1.0},
    "dicing_tool": {"assembly_test": 0.75, "hbm": 0.15, "cowos": 0.10},
    "wafer_bonder": {"cowos": 0.4, "hbm": 0.3, "nand": 0.3},  # hybrid/TSV stacking; CMOS-bonded 3D NAND
    "adv_pkg_tool": {"cowos": 0.5, "hbm": 0.4, "assembly_test": 0.1},  # TSV, RDL, bumping lines
    "prober_handler": {"assembly_test": 0.7, "hbm": 0.15, "cowos": 0.15},  # wafer sort, final test
}
# consumables in su (or kwafer for wafers) per kwafer start
CONSUMABLES = {
    "wafer_300mm": {
        "L5": 1.0,
        "L7": 1.0,
        "L16": 1.0,
        "L28": 1.0,
        "LM": 1.0,
        "DAO": 1.0,
        "DRAM": 1.0,
        "DRAML": 1.0,
        "NAND": 1.0,
    },
    "photoresist": {
        "L5": 1.6,
        "L7": 1.4,
        "L16": 1.2,
        "L28": 1.0,
        "LM": 0.7,
        "DAO": 0.6,
        "DRAM": 1.2,
        "DRAML": 1.1,
        "NAND": 1.0,
    },
    "hydrogen_fluoride": {
        "L5": 1.2,
        "L7": 1.2,
        "L16": 1.1,
        "L28": 1.0,
        "LM": 0.8,
        "DAO": 0.8,
        "DRAM": 1.2,
        "DRAML": 1.1,
        "NAND": 1.5,
    },
    "neon": {
        "L5": 1.6,
        "L7": 1.4,
        "L16": 1.2,
        "L28": 1.0,
        "LM": 0.7,
        "DAO": 0.4,
        "DRAM": 1.2,
        "DRAML": 1.1,
        "NAND": 1.0,
    },
    "specialty_gas": {
        "L5": 1.4,
        "L7": 1.3,
        "L16": 1.2,
        "L28": 1.0,
        "LM": 0.8,
        "DAO": 0.8,
        "DRAM": 1.1,
        "DRAML": 1.0,
        "NAND": 1.5,
    },
    "photomask": {
        "L5": 1.5,
        "L7": 1.3,
        "L16": 1.1,
        "L28": 1.0,
        "LM": 0.6,
        "DAO": 0.5,
        "DRAM": 0.5,
        "DRAML": 0.5,
        "NAND": 0.4,
    },
}
# germane (GeH4) for SiGe epitaxy: embedded SiGe source/drain stressors of logic at 45 nm and
# below (none in mature logic, DRAM or NAND flows), su per kwafer start (estimate)
GERMANE = {"L5": 1.0, "L7": 0.9, "L16": 0.8, "L28": 0.5}
# EUV resist per kwafer start and unit of EUV intensity (the fab class's euv_scanner weight):
# about 10-15 of the 70-80 lithography layers of an N5 flow are EUV (estimate); the photoresist
# intensities above are of the other (KrF/ArF/ArFi) layers
EUV_RESIST = 0.25
# stock held, weeks of normal use
STOCK = {
    "wafer_300mm": 8.0,
    "photoresist": 4.3,
    "hydrogen_fluoride": 4.3,
    "neon": 8.7,
    "specialty_gas": 4.0,
    "photomask": 2.0,
}
STOCK_SOURCE = {"photoresist": "yomiuri2019", "hydrogen_fluoride": "yomiuri2019", "neon": "reuters_neon2022"}
# Installed base: weeks a fab keeps producing at full rate on the tools it has, its spare parts
# and whatever service it can still get, once new tools, OEM parts and OEM service all stop
# (central estimates of docs/research/tools-materials.md: tools last decades, what wears out is
# parts and service; SMIC and YMTC kept their pre-control tools running 2022-2024).
TOOL_STOCK_WEEKS = {
    "euv_scanner": 26.0,  # newest, most service-intensive; no refurbished or grey-market pool
    "arfi_advanced": 52.0,  # DUV: lasers and optics need ASML parts and calibration
    "arfi_mainstream": 52.0,
    "arf_dry": 52.0,
    "krf_scanner": 52.0,
    "iline_stepper": 52.0,
    "resist_track": 78.0,  # by analogy with deposition and etch (no direct evidence)
    "dep_advanced": 78.0,  # YMTC ran pre-sanction US etch and deposition ~2 years on
    "dep_mainstream": 78.0,
    "etch_advanced": 78.0,
    "etch_mainstream": 78.0,
    "clean_tool": 104.0,  # mechanically simpler, widely refurbished and localised
    "cmp_tool": 104.0,
    "ion_implanter": 52.0,  # specialised sources and beamline parts
    "metrology": 52.0,  # KLA-dominated; a fab can sample less before output stops
    "mask_writer": 52.0,  # e-beam writers: as metrology (inference)
    "packaging_tool": 104.0,  # bonders and die attach: mechanically simple (inference)
    "test_equipment": 52.0,  # ATE: as metrology (inference)
    "ald_tool": 78.0,  # as deposition
    "epi_tool": 78.0,  # as deposition
    "laser_mask_writer": 52.0,  # as the e-beam mask writers
    "mask_inspection": 52.0,  # as metrology
    "dicing_tool": 104.0,  # as packaging tools (saws and grinders: mechanically simple)
    "wafer_bonder": 104.0,  # as packaging tools
    "adv_pkg_tool": 78.0,  # front-end tool types (deposition, etch, lithography) in packaging lines: as deposition
    "prober_handler": 52.0,  # as testers
    "crystal_furnace": 104.0,  # as clean and CMP (furnaces: mechanically simple, long-lived)
    "crystal_machining": 104.0,  # as CMP (grinding and slicing)
}
TOOL_STOCK_SOURCE = "est:installed-base"


def fab_weights(fid: str, country: str, cls: str) -> dict[str, float]:
    """Tool intensity of one fab: the class weights, with Chinese fabs denied EUV (none shipped)."""
    out = {t: w[cls] for t, w in W.items() if w.get(cls)}
    if country == "CHN":
        out.pop("euv_scanner", None)
        if cls == "L7":  # SMIC N+2: multi-patterning with immersion instead of EUV
            out["arfi_advanced"] = 2.5
            out["arfi_mainstream"] = 1.0
    return out


# =============================================================================================
# downstream recipes (per unit of output), estimates
# =============================================================================================

# accelerators: wafer item, good dies per wafer, HBM stacks, price (USD M per k units)
ACCEL = {
    "gpu_h100": ("logic_5nm", 29, 5, 25.0),
    "gpu_b200": ("logic_5nm", 14, 8, 35.0),
    "gpu_a100": ("logic_7nm", 29, 5, 12.0),
    "gpu_h800": ("logic_5nm", 29, 5, 25.0),
    "gpu_a800": ("logic_7nm", 29, 5, 12.0),
    "gpu_h20": ("logic_5nm", 29, 4, 12.0),
    "gpu_mi300": ("logic_5nm", 8, 8, 15.0),
    "ai_asic": ("logic_5nm", 35, 6, 8.0),
    "ascend_910": ("logic_7nm", 30, 4, 15.0),
    "mlu": ("logic_7nm", 40, 4, 5.0),
}
# design lines: {facility: {wafer supplier: share}}
WAFER_SOURCES = {
    "nvidia_h100": {"tsmc_fab18": 1.0},
    "nvidia_b200": {"tsmc_fab18": 1.0},
    "nvidia_a100": {"tsmc_fab15": 1.0},
    "nvidia_h800": {"tsmc_fab18": 1.0},
    "nvidia_a800": {"tsmc_fab15": 1.0},
    "nvidia_h20": {"tsmc_fab18": 1.0},
    "amd_mi300": {"tsmc_fab18": 1.0},
    "google_tpu": {"tsmc_fab18": 1.0},
    "aws_trainium": {"tsmc_fab18": 1.0},
    # HiSilicon: the pre-September-2020 TSMC relation beside SMIC N+2 (the FDP rule cuts the former)
    "hisilicon_ascend": {"tsmc_fab15": 0.5, "smic_sn2": 0.5},
    "cambricon_mlu": {"tsmc_fab15": 0.6, "smic_sn2": 0.4},
    "intel_xeon": {"intel_oregon": 0.45, "intel_arizona": 0.35, "intel_fab28": 0.2},
    "amd_epyc": {"tsmc_fab18": 1.0},
    "aws_graviton": {"tsmc_fab18": 1.0},
    "hygon_cpu": {"smic_sn1": 0.6, "tsmc_nanjing": 0.4},
    "hisilicon_kunpeng": {"tsmc_fab15": 0.5, "smic_sn2": 0.5},
    "apple_soc": {"tsmc_fab18": 1.0},
    "qualcomm_soc": {"tsmc_fab18": 0.7, "samsung_sf4": 0.3},
    "mediatek_soc": {"tsmc_fab18": 1.0},
    "hisilicon_kirin": {"tsmc_fab15": 0.8, "smic_sn2": 0.2},
    "amd_xilinx": {"tsmc_fab12": 1.0},
    "intel_altera": {"intel_arizona": 0.5, "tsmc_fab12": 0.5},
}
WAFER_ITEM = {
    "intel_xeon": ("logic_16nm", 60),
    "amd_epyc": ("logic_5nm", 70),
    "aws_graviton": ("logic_5nm", 90),
    "hygon_cpu": ("logic_16nm", 80),
    "hisilicon_kunpeng": ("logic_7nm", 80),
    "apple_soc": ("logic_5nm", 600),
    "qualcomm_soc": ("logic_5nm", 550),
    "mediatek_soc": ("logic_5nm", 600),
    "hisilicon_kirin": ("logic_7nm", 500),
    "amd_xilinx": ("logic_16nm", 120),
    "intel_altera": ("logic_16nm", 120),
}
CHIP_PRICE = {"server_cpu": 2.0, "mobile_soc": 0.08, "fpga": 1.0}
ATP_SOURCES = {
    "intel_xeon": {"intel_penang": 0.5, "intel_vietnam": 0.3, "intel_rio_rancho": 0.2},
    "amd_epyc": {"tongfu_nantong": 0.6, "ase_kaohsiung": 0.4},
    "aws_graviton": {"ase_kaohsiung": 0.5, "spil_taichung": 0.5},
    "hygon_cpu": {"jcet_jiangyin": 0.5, "tongfu_nantong": 0.5},
    "hisilicon_kunpeng": {"jcet_jiangyin": 0.6, "ase_kaohsiung": 0.4},
    "apple_soc": {"ase_kaohsiung": 0.6, "amkor_korea": 0.2, "amkor_vietnam": 0.2},
    "qualcomm_soc": {"ase_kaohsiung": 0.4, "jcet_jiangyin": 0.3, "amkor_korea": 0.3},
    "mediatek_soc": {"ase_kaohsiung": 0.5, "spil_taichung": 0.3, "kyec_test": 0.2},
    "hisilicon_kirin": {"jcet_jiangyin": 0.5, "huatian_tianshui": 0.3, "ase_kaohsiung": 0.2},
    "amd_xilinx": {"ase_kaohsiung": 0.5, "amkor_philippines": 0.5},
    "intel_altera": {"intel_penang": 1.0},
}
COWOS_SOURCES = {
    "nvidia_h100": {"tsmc_cowos": 0.9, "spil_cowos": 0.1},
    "nvidia_b200": {"tsmc_cowos": 1.0},
    "nvidia_a100": {"tsmc_cowos": 0.9, "spil_cowos": 0.1},
    "nvidia_h800": {"tsmc_cowos": 0.9, "spil_cowos": 0.1},
    "nvidia_a800": {"tsmc_cowos": 0.9, "spil_cowos": 0.1},
    "nvidia_h20": {"tsmc_cowos": 0.9, "spil_cowos": 0.1},
    "amd_mi300": {"tsmc_cowos": 1.0},
    "google_tpu": {"tsmc_cowos": 0.8, "amkor_korea_adv": 0.2},
    "aws_trainium": {"tsmc_cowos": 0.8, "amkor_korea_adv": 0.2},
    "hisilicon_ascend": {"tsmc_cowos": 0.5, "jcet_adv": 0.5},
    "cambricon_mlu": {"tsmc_cowos": 0.5, "jcet_adv": 0.5},
}
HBM_CHINA = {"samsung_hbm": 0.8, "cxmt_hbm": 0.2}
CN_SERVER_CPU = norm({"intel_xeon": 0.5, "amd_epyc": 0.3, "hygon_cpu": 0.2})
SERVER_CPU = {
    "default": norm({"intel_xeon": 0.62, "amd_epyc": 0.38}),
    "quanta_asic": {"intel_xeon": 0.5, "aws_graviton": 0.5},
    "huawei_atlas": {"hisilicon_kunpeng": 1.0},
}
# compute-centre server mixes
MIXES = {
    "us_mix": {
        "foxconn_hgx": 0.30,
        "foxconn_mex_gb200": 0.25,
        "supermicro_hgx": 0.15,
        "dell_hgx": 0.20,
        "supermicro_mi300": 0.10,
    },
    "google_mix": {"quanta_asic": 0.70, "foxconn_hgx": 0.30},
    "aws_mix": {"quanta_asic": 0.40, "foxconn_hgx": 0.30, "dell_hgx": 0.30},
    "amd_mix": {"supermicro_mi300": 1.0},
    "eu_mix": {"foxconn_hgx": 0.30, "supermicro_hgx": 0.25, "dell_hgx": 0.25, "supermicro_mi300": 0.20},
    "cn_cloud": {
        "inspur_h100": 0.15,
        "inspur_a100": 0.15,
        "h3c_h800": 0.20,
        "inspur_a800": 0.15,
        "lenovo_h20": 0.15,
        "huawei_atlas": 0.15,
        "sugon_mlu": 0.05,
    },
    "cn_national": {"huawei_atlas": 0.50, "sugon_mlu": 0.20, "inspur_a100": 0.10, "lenovo_h20": 0.10, "h3c_h800": 0.10},
    "gs_mix": {"dell_hgx": 0.35, "supermicro_hgx": 0.35, "foxconn_hgx": 0.30},
    "gs_huawei": {"dell_hgx": 0.30, "supermicro_hgx": 0.35, "huawei_atlas": 0.35},
    "gulf_mix": {"dell_hgx": 0.35, "foxconn_hgx": 0.25, "supermicro_hgx": 0.30, "supermicro_mi300": 0.10},
}
H100_TPP = 15832.0
# power stages, PMICs and discretes of an AI server: about 10 wafers (300 mm eq.) of DAO devices per
# thousand accelerators (some 100 small power and analog dies per accelerator at about 10 000 dies a
# wafer; estimate), bought from the large power/analog IDMs (split: estimate)
SERVER_ANALOG = 0.01  # kwafer per thousand accelerators
SERVER_ANALOG_SOURCES = norm(
    {
        "infineon_villach": 0.20,
        "infineon_kulim": 0.10,
        "ti_rfab": 0.12,
        "ti_dallas": 0.08,
        "onsemi_fishkill": 0.15,
        "st_agrate": 0.10,
        "st_singapore": 0.05,
        "adi_fabs": 0.10,
        "renesas_kofu": 0.05,
        "rohm_lapis": 0.05,
    }
)

# =============================================================================================
# candidates and certifications (USD; lead weeks), estimates unless noted
# =============================================================================================

CANDIDATES = [
    # supplier, buyer, item, cost, lead_weeks, max_share, source
    ("soulbrain_hf", "samsung_dram", "hydrogen_fluoride", 2e6, 12, 0.6, "motie2021"),
    ("enf_hf", "samsung_nand", "hydrogen_fluoride", 2e6, 12, 0.4, "motie2021"),
    ("soulbrain_hf", "skhynix_cheongju", "hydrogen_fluoride", 2e6, 12, 0.6, "motie2021"),
    ("dongjin_resist", "samsung_sf4", "photoresist", 1e7, 52, 0.3, "est"),
    ("smee_arfi", "smic_sn2", "arfi_mainstream", 3e8, 104, 0.2, "est"),
    ("smee_arfi", "smic_sn1", "arfi_mainstream", 3e8, 104, 0.2, "est"),
    ("kingstone_implant", "smic_sn2", "ion_implanter", 2e7, 52, 0.3, "est"),
    ("kingstone_implant", "cxmt_hefei", "ion_implanter", 2e7, 52, 0.3, "est"),
    ("hwatsing_cmp", "ymtc_wuhan", "cmp_tool", 1e7, 26, 0.5, "est"),
    ("samsung_sf4", "nvidia_h100", "logic_5nm", 5e8, 78, 0.3, "est"),
    ("amkor_korea_adv", "nvidia_h100", "cowos", 5e7, 39, 0.3, "est"),
    ("cxmt_hbm", "cambricon_mlu", "hbm", 3e7, 52, 0.3, "est"),
    ("huawei_atlas", "india_ai", "ai_server", 2e7, 26, 0.3, "est"),
    ("supermicro_mi300", "india_ai", "ai_server", 1e7, 13, 0.3, "est"),
    ("supermicro_mi300", "brazil_ai", "ai_server", 1e7, 13, 0.3, "est"),
    ("huawei_atlas", "brazil_ai", "ai_server", 2e7, 26, 0.3, "est"),
    ("supermicro_mi300", "indonesia_ai", "ai_server", 1e7, 13, 0.3, "est"),
    ("supermicro_mi300", "mexico_ai", "ai_server", 1e7, 13, 0.3, "est"),
    ("foxconn_mex_gb200", "mexico_ai", "ai_server", 1e7, 13, 0.5, "est"),
    ("supermicro_mi300", "south_africa_ai", "ai_server", 1e7, 13, 0.3, "est"),
    ("huawei_atlas", "nigeria_ai", "ai_server", 1.5e7, 26, 0.4, "est"),
    ("supermicro_mi300", "vietnam_ai", "ai_server", 1e7, 13, 0.3, "est"),
    ("huawei_atlas", "malaysia_ai", "ai_server", 2e7, 26, 0.3, "est"),
]
CERTIFICATIONS = [
    # supplier, item, cost, lead_weeks, max_share, source
    ("supermicro_mi300", "ai_server", 1.5e7, 26, 0.5, "est"),
    ("huawei_atlas", "ai_server", 2e7, 26, 0.5, "est"),
    ("dell_hgx", "ai_server", 1e7, 13, 0.5, "est"),
    ("foxconn_mex_gb200", "ai_server", 1e7, 13, 0.5, "est"),
    ("quanta_asic", "ai_server", 1.2e7, 26, 0.3, "est"),
    ("samsung_hbm", "hbm", 2e7, 39, 0.5, "est"),
    ("cxmt_hbm", "hbm", 3e7, 52, 0.3, "est"),
    ("innolight_optics", "optical_transceiver", 2e6, 13, 0.5, "est"),
    ("coherent_optics", "optical_transceiver", 2e6, 13, 0.5, "est"),
    ("fabrinet_optics", "optical_transceiver", 2e6, 13, 0.5, "est"),
]

# =============================================================================================
# expansions: capacity that could be built at existing facilities in the consortium's member
# countries (docs/research/expansions: expansions.csv, NOTES.md)
# =============================================================================================

EXPANSION_START = "2025-07-01"
"""Week 0 of lead_weeks: the start of the library's mid-2025 scenarios. The research counts weeks
to first output from 2025-01-01; 2025-01-01 -> 2025-07-01 is 181 days, round(181 / 7) = 26 weeks,
so lead_weeks = max(0, research weeks - 26)."""
EXPANSION_SHIFT = 26

EXPANSIONS = [
    # facility, added capacity (per week, the facility item's unit), cost (USD), weeks to first output
    # from 2025-01-01 (the research's count), description, added_capacity source, cost source,
    # lead_weeks source, first output
    (
        "india_ai",
        590.3,
        675e6,
        91,
        "IndiaAI Mission: new round of about 12,000-15,000 NVIDIA Blackwell GPUs (midpoint 13,500)",
        "bs_indiaai2026;est:expansion-compute",
        "est:expansion-cost",
        "est:expansion-lead",
        "about 30 Sep 2026",
    ),
    (
        "infineon_kulim",
        2.85,
        2.272e9,
        0,
        "Infineon Kulim 3, phase 1: 200 mm SiC power fab (EUR 2 bn), production launched 8 Aug 2024",
        "infineon_kulim2024;est:expansion-capacity",
        "infineon_kulim2024;est:expansion-fx",
        "infineon_kulim2024",
        "Aug 2024 (full ramp end-2026/early-2027)",
    ),
    (
        "infineon_kulim",
        7.12,
        5.47e9,
        156,
        "Infineon Kulim 3, phase 2 (up to EUR 5 bn), postponed in Nov 2024",
        "eenews_kulim2024;est:expansion-capacity",
        "eenews_kulim2024;est:expansion-fx",
        "est:expansion-lead",
        "not before 2028 (assumed)",
    ),
    (
        "intel_penang",
        15.4,
        2905569007,
        78,
        "Intel advanced packaging factory, Penang (RM12 bn at 4.13 MYR/USD, the rate RM860 M = USD 208 M implies)",
        "malaymail_intel2025;est:expansion-capacity",
        "malaymail_intel2025",
        "est:expansion-lead",
        "mid-2026 (assumed)",
    ),
    (
        "amkor_vietnam",
        28.7,
        1.08e9,
        104,
        "Amkor Bac Ninh: phases after phase 1 (USD 1.6 bn to 2035 less USD 520 M)",
        "amkor_bacninh2021;est:expansion-capacity",
        "amkor_bacninh2021",
        "est:expansion-lead",
        "2027 (assumed)",
    ),
    (
        "vietnam_ai",
        109.9,
        2e8,
        0,
        "FPT AI Factory (USD 200 M, NVIDIA H100/H200), online from late 2024",
        "fpt_aifactory2024;est:expansion-compute",
        "fpt_aifactory2024",
        "fpt_aifactory2024",
        "late 2024",
    ),
    (
        "foxconn_mex_gb200",
        6555,
        9e8,
        52,
        "Foxconn GB200 NVL72 server plant, Guadalajara: the second-phase building (USD 900 M for both phases)",
        "taipeitimes_foxconn2025;est:expansion-capacity",
        "taipeitimes_foxconn2025",
        "taipeitimes_foxconn2025",
        "late 2025 or early 2026",
    ),
    (
        "mexico_ai",
        278.5,
        3.27e8,
        156,
        "'Coatlicue' public supercomputer: 14,480 GPUs, MXN 6 bn (USD 327 M in the source)",
        "coatlicue2025;est:expansion-compute",
        "coatlicue2025",
        "coatlicue2025",
        "Jan 2028 (built Jan 2026 + 24 months)",
    ),
    (
        "south_africa_ai",
        57.7,
        1.8e8,
        45,
        "Cassava AI factory, Cape Town: the first 3,000 NVIDIA GPUs of 12,000 for Africa",
        "techcentral_cassava2025;est:expansion-compute",
        "techcentral_cassava2025;est:expansion-cost",
        "itweb_cassava2025",
        "Nov 2025",
    ),
    (
        "nigeria_ai",
        43.3,
        1.35e8,
        78,
        "Cassava AI factory, Lagos: an equal share of the 9,000 GPUs planned outside South Africa",
        "itweb_cassava2025;est:expansion-compute",
        "techcentral_cassava2025;est:expansion-cost",
        "est:expansion-lead",
        "mid-2026 (assumed)",
    ),
    (
        "kenya_ai",
        43.3,
        1.35e8,
        78,
        "Cassava AI factory, Nairobi: an equal share of the 9,000 GPUs planned outside South Africa",
        "itweb_cassava2025;est:expansion-compute",
        "techcentral_cassava2025;est:expansion-cost",
        "est:expansion-lead",
        "mid-2026 (assumed)",
    ),
    (
        "indonesia_ai",
        100.8,
        1e8,
        41,
        "Indosat GPU cloud, South Jakarta: 32 GB200 NVL72 racks (2,304 Blackwell GPUs), installed Oct 2025",
        "moneycontrol_indosat2025;est:expansion-compute",
        "moneycontrol_indosat2025",
        "moneycontrol_indosat2025",
        "Oct 2025",
    ),
    (
        "brazil_ai",
        271.3,
        318584071,
        130,
        "PBIA national AI supercomputer (R$1.8 bn), tender postponed to Mar/Apr 2026",
        "scbr_pbia2025;est:expansion-compute",
        "scbr_pbia2025;est:expansion-fx",
        "est:expansion-lead",
        "mid-2027 (assumed)",
    ),
]
"""13 of the 20 researched options: the other 7 (Tata-PSMC Dholera, Tata TSAT Assam, CG Semi G1 and
G2, Kaynes, Micron Sanand, HCL-Foxconn Jewar) are plants that do not exist in the network yet;
the README's Expansions section says why they are not added."""

EXPANSIONS_NOT_INCLUDED = [
    # facility (proposed), item, added capacity, cost USD bn, first output, source
    ("tata_dholera", "logic_28nm", "11.54 kwafer", "10.98", "end-2026 target", "Tata / Cabinet release, 29 Feb 2024"),
    ("tata_tsat_assam", "assembly_test", "336 munit", "3.26", "Mar 2026 target", "Tata press release; Cabinet"),
    ("cg_semi_sanand (G1)", "assembly_test", "3.5 munit", "0.031", "28 Aug 2025", "CG Semi JV release; PTI"),
    ("cg_semi_sanand (G2)", "assembly_test", "101.5 munit", "0.886", "end-2026", "CG Semi JV release; PTI"),
    ("kaynes_sanand", "assembly_test", "44.1 munit", "0.394", "Oct 2025", "Cabinet briefing"),
    ("micron_sanand", "assembly_test", "3.85 munit (estimate)", "2.75", "Feb 2026", "Micron release"),
    ("hcl_foxconn_jewar", "assembly_test", "8.31 munit", "0.434", "2027", "Cabinet briefing, 14 May 2025"),
]

# =============================================================================================
# headquarters corrections and ownership
# =============================================================================================

# --- hq_country corrections: the owning company's headquarters (SPEC: "where the owning company
# is headquartered"), where it differs from what the tables above give ---
HQ_CORRECTIONS: dict[str, tuple[str, str]] = {
    # facility: (hq_country, source key)
    "israel_1": ("USA", "nvidia_8k"),  # NVIDIA's own system; compute rows default hq to the location
    "utac_singapore": ("CHN", "wiseroad_utac"),  # UTAC Holdings is owned by Beijing-based Wise Road Capital
    "utac_thailand": ("CHN", "wiseroad_utac"),
}

# --- ownership: holdings of one company in another (company names as in the facilities table) ---
# Only holdings between two companies of the network can be rows. Huawei's HiSilicon and SMIC's
# subsidiaries (SMIC Beijing, SMNC, SMSC) are modelled as facilities of the company "Huawei" or
# "SMIC" themselves, so they need no row (a rule naming Huawei or SMIC already reaches them).
OWNERSHIP: list[tuple[str, str, float, str]] = [
    # owner, owned, share of owned, source
    ("Sugon", "Hygon", 0.2796, "hygon_2025q1"),
    ("Intel", "IMS Nanofabrication", 0.70, "intel_ims2023"),  # 1 - ~0.20 (Bain) - ~0.10 (TSMC), derived
    ("TSMC", "IMS Nanofabrication", 0.10, "intel_ims2023"),
]

# =============================================================================================
# validation: published country shares per segment (percent)
# =============================================================================================
# basis: "location" (facility country), "hq" (company headquarters), "flows:<ISO>" (normal flows to
# buyers in that country), or "items" (the share of the capacity of the segment's items held by the
# facilities producing each listed group of items, `groups`). "other" = every country (or item) not
# listed. Regions group countries.

REGIONS = {"EUR": ("DEU", "FRA", "ITA", "NLD", "AUT", "IRL", "PRT", "BEL", "FIN", "ESP", "GBR", "CZE")}
WAFER_ITEMS = [
    "logic_5nm",
    "logic_7nm",
    "logic_16nm",
    "logic_28nm",
    "logic_mature",
    "analog_power",
    "dram",
    "dram_legacy",
    "nand",
]
VALIDATION: list[dict] = [
    {
        "segment": "EUV lithography",
        "items": ["euv_scanner"],
        "basis": "hq",
        "published": {"NLD": 100.0},
        "source": "eto2025",
        "year": "2025",
    },
    {
        "segment": "ArF immersion lithography",
        "items": ["arfi_advanced", "arfi_mainstream"],
        "basis": "hq",
        "published": {"NLD": 99.3, "JPN": 0.7},
        "source": "eto2025",
        "year": "2025",
    },
    {
        "segment": "ArF dry lithography",
        "items": ["arf_dry"],
        "basis": "hq",
        "published": {"NLD": 94.4, "JPN": 5.6},
        "source": "eto2025",
        "year": "2025",
    },
    {
        "segment": "KrF lithography",
        "items": ["krf_scanner"],
        "basis": "hq",
        "published": {"NLD": 66.0, "JPN": 34.0},
        "source": "eto2025",
        "year": "2025",
    },
    {
        "segment": "i-line lithography",
        "items": ["iline_stepper"],
        "basis": "hq",
        "published": {"JPN": 56.9, "NLD": 31.2, "USA": 7.7, "CHN": 4.2},
        "source": "eto2025",
        "year": "2025",
    },
    {
        "segment": "Resist processing (tracks)",
        "items": ["resist_track"],
        "basis": "hq",
        "published": {"JPN": 95.2, "KOR": 1.9, "USA": 1.5, "DEU": 0.7, "CHN": 0.5},
        "source": "eto2025",
        "year": "2025",
    },
    {
        "segment": "Deposition (with ALD and epitaxy)",
        "items": ["dep_advanced", "dep_mainstream", "ald_tool", "epi_tool"],
        "basis": "hq",
        "published": {"USA": 60.3, "JPN": 14.0, "NLD": 10.9, "CHN": 9.8, "KOR": 3.3},
        "source": "eto2025",
        "year": "2025",
    },
    {
        "segment": "Atomic layer deposition",
        "items": ["ald_tool"],
        "basis": "hq",
        "published": {"NLD": 54.5, "JPN": 23.1, "USA": 14.9, "KOR": 4.9, "CHN": 2.6},
        "source": "eto2025",
        "year": "2025",
    },
    {
        "segment": "Epitaxy (high-temperature CVD)",
        "items": ["epi_tool"],
        "basis": "hq",
        "published": {"USA": 73.7, "NLD": 18.7, "CHN": 4.9},
        "source": "eto2025",
        "year": "2025",
    },
    {
        "segment": "Dry etch",
        "items": ["etch_advanced", "etch_mainstream"],
        "basis": "hq",
        "published": {"USA": 59.9, "JPN": 26.1, "CHN": 12.4, "KOR": 1.1},
        "source": "eto2025",
        "year": "2025",
    },
    {
        "segment": "Wet etch and cleaning",
        "items": ["clean_tool"],
        "basis": "hq",
        "published": {"JPN": 51.9, "USA": 32.4, "KOR": 7.2, "CHN": 3.8},
        "source": "eto2025",
        "year": "2025",
    },
    {
        "segment": "CMP",
        "items": ["cmp_tool"],
        "basis": "hq",
        "published": {"USA": 49.0, "JPN": 36.9, "CHN": 12.6, "KOR": 1.5},
        "source": "eto2025",
        "year": "2025",
    },
    {
        "segment": "Ion implantation",
        "items": ["ion_implanter"],
        "basis": "hq",
        "published": {"USA": 84.7, "JPN": 10.7, "CHN": 3.8, "TWN": 0.6},
        "source": "eto2025",
        "year": "2025",
    },
    {
        "segment": "Process control (with photomask inspection)",
        "items": ["metrology", "mask_inspection"],
        "basis": "hq",
        "published": {"USA": 71.7, "JPN": 14.1, "ISR": 6.0, "NLD": 5.9, "CHN": 0.7},
        "source": "eto2025",
        "year": "2025",
    },
    {
        "segment": "Photomask inspection and repair",
        "items": ["mask_inspection"],
        "basis": "hq",
        "published": {"USA": 46.6, "JPN": 42.8, "DEU": 10.1},
        "source": "eto2025",
        "year": "2025",
    },
    {
        "segment": "Test equipment",
        "items": ["test_equipment"],
        "basis": "hq",
        "published": {"JPN": 63.0, "USA": 23.5, "CHN": 6.2, "KOR": 4.6, "TWN": 1.7},
        "source": "eto2025",
        "year": "2025",
    },
    {
        "segment": "Handlers and probers",
        "items": ["prober_handler"],
        "basis": "hq",
        "published": {"JPN": 41.5, "KOR": 20.1, "TWN": 16.0, "USA": 8.4, "CHN": 6.8, "MYS": 2.0},
        "source": "eto2025",
        "year": "2025",
    },
    {
        "segment": "Die attach for ICs",
        "items": ["packaging_tool"],
        "basis": "hq",
        "published": {"KOR": 38.3, "NLD": 26.4, "SGP": 20.9, "JPN": 12.7},
        "source": "eto2025",
        "year": "2025",
    },
    {
        "segment": "Dicing",
        "items": ["dicing_tool"],
        "basis": "hq",
        "published": {"JPN": 95.0, "SGP": 2.5},
        "source": "eto2025",
        "year": "2025",
    },
    {
        "segment": "Wafer bonding",
        "items": ["wafer_bonder"],
        "basis": "hq",
        "published": {"AUT": 47.9, "JPN": 25.6, "DEU": 20.9, "TWN": 4.5},
        "source": "eto2025",
        "year": "2025",
    },
    {
        "segment": "Advanced-packaging fab tools (with wafer bonding)",
        "items": ["adv_pkg_tool", "wafer_bonder"],
        "basis": "hq",
        "published": {"USA": 65.8, "JPN": 15.3, "CHN": 5.3, "AUT": 5.1, "ISR": 2.7, "DEU": 2.4},
        "source": "eto2025",
        "year": "2025",
    },
    {
        "segment": "E-beam mask writers",
        "items": ["mask_writer"],
        "basis": "location",
        "published": {"JPN": 53.4, "AUT": 46.6},
        "source": "eto2025",
        "year": "2025",
    },
    {
        "segment": "Laser mask writers",
        "items": ["laser_mask_writer"],
        "basis": "hq",
        "published": {"SWE": 70.7, "USA": 27.9},
        "source": "eto2025",
        "year": "2025",
    },
    {
        "segment": "Crystal growing furnaces",
        "items": ["crystal_furnace"],
        "basis": "hq",
        "published": {"DEU": 100.0},
        "source": "eto2025",
        "year": "2022",
    },
    {
        "segment": "Crystal machining",
        "items": ["crystal_machining"],
        "basis": "hq",
        "published": {"JPN": 99.7},
        "source": "eto2025",
        "year": "2025",
    },
    {
        "segment": "EDA software",
        "items": ["eda"],
        "basis": "hq",
        "published": {"USA": 96.0, "JPN": 3.0, "GBR": 1.0, "ISR": 1.0, "CHN": 1.0},
        "source": "cset2021",
        "year": "2019",
    },
    {
        "segment": "Core IP",
        "items": ["core_ip"],
        "basis": "hq",
        "published": {"USA": 52.0, "GBR": 43.0, "CHN": 2.0, "TWN": 1.0},
        "source": "cset2021",
        "year": "2019",
    },
    {
        "segment": "Silicon wafers",
        "items": ["wafer_300mm"],
        "basis": "hq",
        "published": {"JPN": 56.0, "TWN": 16.0, "DEU": 14.0, "KOR": 10.0, "CHN": 4.0},
        "source": "cset2021",
        "year": "2019",
    },
    {
        "segment": "Advanced photomasks",
        "items": ["photomask"],
        "basis": "hq",
        "published": {"JPN": 53.0, "USA": 40.0, "TWN": 7.0},
        "source": "cset2021",
        "year": "2019",
    },
    {
        "segment": "Photoresist",
        "items": ["photoresist"],
        "basis": "hq",
        "published": {"JPN": 91.0},
        "other": 9.0,
        "source": "nikkei_resist",
        "year": "2025",
    },
    {
        "segment": "Semiconductor-grade neon",
        "items": ["neon"],
        "basis": "location",
        "published": {"UKR": 49.5},
        "other": 50.5,
        "source": "reuters_neon2022",
        "year": "2021",
    },
    {
        "segment": "HF supplied to Korean fabs",
        "items": ["hydrogen_fluoride"],
        "basis": "flows:KOR",
        "published": {"JPN": 44.6},
        "other": 55.4,
        "source": "businesskorea2019",
        "year": "2019",
    },
    {
        "segment": "Fabrication (all devices)",
        "items": WAFER_ITEMS,
        "basis": "location",
        "published": {"CHN": 24.0, "TWN": 18.0, "KOR": 17.0, "JPN": 17.0, "USA": 10.0, "EUR": 8.0},
        "other": 7.0,
        "source": "sia2024_fab",
        "year": "2022",
    },
    {
        "segment": "Memory share of wafer capacity",
        "items": WAFER_ITEMS,
        "basis": "items",
        "groups": {"memory": ["dram", "dram_legacy", "nand"]},
        "published": {"memory": 25.0},
        "other": 75.0,
        "source": "semi_fab2024",
        "year": "2023",
    },
    {
        "segment": "Logic capacity below 10 nm",
        "items": ["logic_5nm", "logic_7nm"],
        "basis": "location",
        "published": {"TWN": 69.0, "KOR": 31.0},
        "source": "siabcg2024",
        "year": "2022",
    },
    {
        "segment": "Logic capacity 10-22 nm",
        "items": ["logic_16nm"],
        "basis": "location",
        "published": {"TWN": 28.0, "USA": 43.0, "CHN": 3.0},
        "other": 26.0,
        "source": "siabcg2021chart",
        "year": "2019",
    },
    {
        "segment": "Logic capacity 28-45 nm",
        "items": ["logic_28nm"],
        "basis": "location",
        "published": {"TWN": 47.0, "USA": 6.0, "CHN": 19.0},
        "other": 28.0,
        "source": "siabcg2021chart",
        "year": "2019",
    },
    {
        "segment": "Logic capacity above 45 nm",
        "items": ["logic_mature"],
        "basis": "location",
        "published": {"TWN": 31.0, "USA": 9.0, "CHN": 23.0},
        "other": 36.0,
        "source": "siabcg2021chart",
        "year": "2019",
    },
    {
        "segment": "DRAM (TrendForce-ranked makers)",
        "items": ["dram"],
        "basis": "hq",
        "published": {"KOR": 77.3, "USA": 19.2},
        "other": 3.5,
        "source": "trendforce_dram",
        "year": "2023",
    },
    {
        "segment": "HBM",
        "items": ["hbm"],
        "basis": "hq",
        "published": {"KOR": 91.0, "USA": 9.0},
        "source": "trendforce_hbm",
        "year": "2023",
    },
    {
        "segment": "NAND flash",
        "items": ["nand"],
        "basis": "hq",
        "published": {"KOR": 58.9, "USA": 23.3, "JPN": 12.4},
        "other": 5.4,
        "source": "trendforce_nand",
        "year": "2024",
    },
    {
        "segment": "Assembly, test and packaging",
        "items": ["assembly_test"],
        "basis": "location",
        "published": {"CHN": 30.0, "TWN": 28.0, "KOR": 9.0, "JPN": 6.0, "USA": 3.0, "EUR": 3.0},
        "other": 20.0,
        "source": "eto2022stages",
        "year": "2022",
    },
]

# =============================================================================================
# assembly of the tables
# =============================================================================================


def _fixed(cap: dict[str, float | None], fid: str) -> float:
    """A capacity already set (given, or derived from demand in an earlier step)."""
    value = cap[fid]
    assert value is not None, f"{fid}: capacity used before it is set"
    return value


def _sig(x: float, digits: int = 6) -> float:
    """Round to significant digits, so that the CSVs are short and stable."""
    if x == 0:
        return 0.0
    return round(x, digits - 1 - math.floor(math.log10(abs(x))))


def _fmt(x: float | int | str | None) -> str:
    if x is None:
        return ""
    if isinstance(x, str):
        return x
    x = float(x)
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


def _capacity_source(f: tuple, shared: set[str]) -> str:
    """Source key(s) of a facility's capacity: derived (est:headroom), stated without a published
    figure (est:capacity), a published figure, or a published company total split across several
    facilities (the published key and est:fab-split)."""
    if f[7] is None:
        return "est:headroom"
    if f[9] == "est":
        return "est:capacity"
    return f"{f[9]};est:fab-split" if f[9] in shared else f[9]


def build() -> dict:
    """All tables as lists of row dicts, plus derived facts for the README."""
    fac_rows = {f[0]: f for f in F}
    assert len(fac_rows) == len(F), "duplicate facility ids"
    item_ids = [i[0] for i in ITEMS]
    country_of = {f[0]: f[4] for f in F}
    cap: dict[str, float | None] = {f[0]: f[7] for f in F}
    produces = {f[0]: f[6] for f in F}
    recipes: list[dict] = []  # facility, item, quantity, stock_weeks, source
    supplies: list[dict] = []  # supplier, buyer, item, share, source

    def add(
        facility: str,
        item: str,
        quantity: float,
        stock: float,
        sources: dict[str, float],
        src: str = "est:split",
        stock_src: str = "est:stock",
        qty_src: str = "est:bom",
    ) -> None:
        recipes.append(
            {
                "facility": facility,
                "item": item,
                "quantity": quantity,
                "stock_weeks": stock,
                "quantity_source": qty_src,
                "stock_weeks_source": "est:stock" if stock_src == "est" else stock_src,
            }
        )
        total = sum(sources.values())
        for sup, share in sources.items():
            assert produces[sup] == item, (sup, item)
            source = SUPPLIER_SOURCE.get(sup, "est:split" if src == "est" else src)
            supplies.append(
                {"supplier": sup, "buyer": facility, "item": item, "share": share / total, "source": source}
            )

    def split(item: str, buyer: str) -> dict[str, float]:
        cty = country_of[buyer]
        if item == "hydrogen_fluoride" and cty == "KOR":
            return HF_KOREA
        if item == "photomask" and cty == "CHN":
            return {("photronics_xiamen" if k == "photronics_mask" else k): v for k, v in SPLITS[item].items()}
        if item == "ion_implanter" and buyer in CHINA_DOMESTIC_IMPLANT:
            return IMPLANT_CHINA
        return SPLITS[item]

    # ---- fabs: consumables and tools, tool quantities from annual purchases ----
    fabs = [(f[0], f[4], FAB_CLASS[f[6]]) for f in F if f[6] in FAB_CLASS]
    weights = {fid: fab_weights(fid, cty, cls) for fid, cty, cls in fabs}
    per_tool_denominator: defaultdict[str, float] = defaultdict(float)
    for fid, _cty, _cls in fabs:
        for tool, w in weights[fid].items():
            per_tool_denominator[tool] += _fixed(cap, fid) * w
    for fid, _cty, cls in fabs:
        for item, per in CONSUMABLES.items():
            add(
                fid,
                item,
                per[cls],
                STOCK[item],
                split(item, fid),
                SPLIT_SOURCE.get(item, "est"),
                STOCK_SOURCE.get(item, "est"),
                "est:consumables",
            )
        if "euv_scanner" in weights[fid]:
            add(
                fid,
                "euv_resist",
                EUV_RESIST * weights[fid]["euv_scanner"],
                STOCK["photoresist"],
                SPLITS["euv_resist"],
                "etnews2019",
                STOCK_SOURCE["photoresist"],
                "est:consumables",
            )
        if cls in GERMANE:
            add(fid, "germane", GERMANE[cls], STOCK["specialty_gas"], SPLITS["germane"], qty_src="est:consumables")
        for tool, w in weights[fid].items():
            q = TOOL_SPEND[tool] / 52.0 * w / per_tool_denominator[tool]
            add(
                fid,
                tool,
                q,
                TOOL_STOCK_WEEKS[tool],
                split(tool, fid),
                SPLIT_SOURCE.get(tool, "est"),
                TOOL_STOCK_SOURCE,
                "est:tool-intensity",
            )

    # ---- upstream of materials and tools ----
    for f in F:
        fid, item = f[0], f[6]
        if item == "wafer_300mm":
            add(fid, "polysilicon", 0.35, 8.0, SPLITS["polysilicon"])
        elif item == "photomask":
            add(fid, "mask_blank", 1.0, 4.0, SPLITS["mask_blank"])
            add(
                fid,
                "mask_writer",
                1.0,
                TOOL_STOCK_WEEKS["mask_writer"],
                SPLITS["mask_writer"],
                SPLIT_SOURCE["mask_writer"],
                TOOL_STOCK_SOURCE,
            )
        elif item == "germane":  # germanium enters as germane only, not every specialty gas
            add(fid, "germanium", 0.0005, 8.0, SPLITS["germanium"])
        elif item == "compound_substrate":
            stock, stock_src = GALLIUM_STOCK.get(fid, (6.0, "est:stock"))
            sourcing, src = GALLIUM_SOURCING.get(fid, (SPLITS["gallium"], "est:split"))
            add(fid, "gallium", 0.1, stock, sourcing, src, stock_src)
        elif item == "euv_scanner":
            add(fid, "euv_optics", 1.0, 8.0, SPLITS["euv_optics"])
        elif item == "optical_transceiver":
            add(fid, "compound_substrate", 0.002, 6.0, SPLITS["compound_substrate"])

    # ---- memory (HBM) and advanced packaging ----
    dram_supplier = {
        "skhynix_hbm": {"skhynix_icheon": 1.0},
        "samsung_hbm": {"samsung_dram": 1.0},
        "micron_hbm": {"micron_taichung": 0.6, "micron_hiroshima": 0.4},
    }
    for f in F:
        fid, item = f[0], f[6]
        if item == "hbm":
            if fid == "cxmt_hbm":
                add(fid, "dram_legacy", 0.02, 4.0, {"cxmt_hefei": 1.0})
            else:
                add(fid, "dram", 0.0167, 4.0, dram_supplier[fid])
            add(
                fid,
                "packaging_tool",
                0.01,
                TOOL_STOCK_WEEKS["packaging_tool"],
                SPLITS["packaging_tool"],
                SPLIT_SOURCE["packaging_tool"],
                TOOL_STOCK_SOURCE,
            )
            add(
                fid,
                "test_equipment",
                0.01,
                TOOL_STOCK_WEEKS["test_equipment"],
                SPLITS["test_equipment"],
                SPLIT_SOURCE["test_equipment"],
                TOOL_STOCK_SOURCE,
            )
            add(fid, "polyimide", 0.5, 4.3, SPLITS["polyimide"], "est", "yomiuri2019")
        elif item == "cowos":
            interposer = {"jcet_adv": {"smic_mature": 1.0}}.get(fid, {"tsmc_mature": 1.0})
            add(fid, "logic_mature", 0.033, 4.0, interposer)
            add(fid, "abf_substrate", 1.0, 6.0, SPLITS["abf_substrate"])
            add(
                fid,
                "packaging_tool",
                0.02,
                TOOL_STOCK_WEEKS["packaging_tool"],
                SPLITS["packaging_tool"],
                SPLIT_SOURCE["packaging_tool"],
                TOOL_STOCK_SOURCE,
            )
            add(
                fid,
                "test_equipment",
                0.02,
                TOOL_STOCK_WEEKS["test_equipment"],
                SPLITS["test_equipment"],
                SPLIT_SOURCE["test_equipment"],
                TOOL_STOCK_SOURCE,
            )
            add(fid, "polyimide", 0.3, 4.3, SPLITS["polyimide"], "est", "yomiuri2019")
        elif item == "assembly_test":
            add(
                fid,
                "packaging_tool",
                0.002,
                TOOL_STOCK_WEEKS["packaging_tool"],
                SPLITS["packaging_tool"],
                SPLIT_SOURCE["packaging_tool"],
                TOOL_STOCK_SOURCE,
            )
            add(
                fid,
                "test_equipment",
                0.004,
                TOOL_STOCK_WEEKS["test_equipment"],
                SPLITS["test_equipment"],
                SPLIT_SOURCE["test_equipment"],
                TOOL_STOCK_SOURCE,
            )

    # ---- design lines ----
    eda_share, ip_share = 0.02, 0.005  # EDA and IP spend as a share of chip price (estimates)
    for f in F:
        fid, item = f[0], f[6]
        if f[5] != "design":
            continue
        if item in ACCEL:
            wafer_item, dies, stacks, price = ACCEL[item]
            add(fid, wafer_item, 1.0 / dies, 6.0, WAFER_SOURCES[fid])
            hbm_src = HBM_CHINA if country_of[fid] == "CHN" else SPLITS["hbm"]
            add(fid, "hbm", float(stacks), 8.0, hbm_src, "trendforce_hbm")
            add(fid, "cowos", 1.0, 4.0, COWOS_SOURCES[fid])
        else:
            wafer_item, dies = WAFER_ITEM[fid]
            price = CHIP_PRICE[item]
            add(fid, wafer_item, 1.0 / dies, 6.0, WAFER_SOURCES[fid])
            add(fid, "assembly_test", 0.001, 4.0, ATP_SOURCES[fid], "eto2022stages")
        add(fid, "eda", price * eda_share, 26.0, SPLITS["eda"], "cset2021")
        add(fid, "core_ip", price * ip_share, 26.0, SPLITS["core_ip"], "cset2021")

    # ---- servers and compute ----
    accel_line: dict[str, list[str]] = {f[6]: [] for f in F if f[6] in ACCEL}
    for f in F:
        if f[6] in ACCEL:
            accel_line[f[6]].append(f[0])
    item_attr = {i[0]: i[5] for i in ITEMS}
    for fid, _n, _c, _h, cty, acc in SERVERS:
        per_h100e = H100_TPP / item_attr[acc]["tpp"]  # accelerators per H100-equivalent
        k_per = per_h100e / 1000.0  # thousand accelerators per H100e
        add(fid, acc, k_per, 4.0, dict.fromkeys(accel_line[acc], 1.0))
        cpu = SERVER_CPU.get(fid, CN_SERVER_CPU if cty == "CHN" else SERVER_CPU["default"])
        add(fid, "server_cpu", k_per * 0.25, 4.0, cpu)
        add(fid, "dram", k_per * 0.17, 4.0, SPLITS["dram"], "trendforce_dram")
        add(fid, "nand", k_per * 0.033, 4.0, SPLITS["nand"], "trendforce_nand")
        add(fid, "analog_power", k_per * SERVER_ANALOG, 4.0, SERVER_ANALOG_SOURCES)
    for fid, _n, _c, _cty, _cap, mix in COMPUTE:
        add(fid, "ai_server", 1.0, 4.0, MIXES[mix])
        add(fid, "optical_transceiver", 0.0025, 6.0, SPLITS["optical_transceiver"])

    # ---- derived capacities, buyers first ----
    demand: dict[str, float] = {}

    def derive(skip: set[str]) -> dict[tuple[str, str], float]:
        """Set every capacity not yet set (but those in ``skip``) from the demand on it."""
        qty = {(r["facility"], r["item"]): r["quantity"] for r in recipes}
        assert len(qty) == len(recipes), "duplicate recipe rows"
        demand_rows = defaultdict(list)
        for s in supplies:
            demand_rows[s["supplier"]].append(s)
        pending = True
        while pending:
            pending = False
            for fid in cap:
                if fid in demand or fid in skip:
                    continue
                rows = demand_rows.get(fid, [])
                if any(cap[r["buyer"]] is None for r in rows):
                    pending = True
                    continue
                demand[fid] = sum(cap[r["buyer"]] * qty[(r["buyer"], r["item"])] * r["share"] for r in rows)
                if cap[fid] is None:
                    assert demand[fid] > 0, f"{fid} has no demand and no fixed capacity"
                    cap[fid] = _sig(demand[fid] * HEADROOM, 4)
                elif demand[fid] > _fixed(cap, fid) * (1 + 1e-9):
                    raise AssertionError(f"{fid}: fixed capacity {cap[fid]} below demand {demand[fid]:.4g}")
        return qty

    # tools bought outside the fabs need their buyers' capacities first (those buyers do not depend on
    # the tools): derive all else, add the tool recipes from the annual purchases, then derive the tools
    derive({f[0] for f in F if f[6] in SPEND_BUYERS})
    for tool, fractions in SPEND_BUYERS.items():
        for buyer_item, fraction in fractions.items():
            buyers = [f[0] for f in F if f[6] == buyer_item]
            total = sum(_fixed(cap, b) for b in buyers)
            for b in buyers:
                add(
                    b,
                    tool,
                    TOOL_SPEND[tool] / 52.0 * fraction / total,
                    TOOL_STOCK_WEEKS[tool],
                    SPLITS[tool],
                    SPLIT_SOURCE[tool],
                    TOOL_STOCK_SOURCE,
                    "est:tool-intensity",
                )
    qty = derive(set())

    # ---- item values (USD M per unit); derived from the market size where given ----
    item_demand: defaultdict[str, float] = defaultdict(float)
    for s in supplies:
        item_demand[s["item"]] += _fixed(cap, s["buyer"]) * qty[(s["buyer"], s["item"])] * s["share"]
    items = []
    for iid, name, unit, tags, value, attrs, src in ITEMS:
        value_source = "est:value-price"
        if value is None:
            value = _sig(MARKETS_USD_M[iid] / 52.0 / item_demand[iid], 3)
            value_source = "est:value-market"
        row = {
            "id": iid,
            "name": name,
            "tags": tags,
            "node_nm": attrs.get("node_nm"),
            "tpp": attrs.get("tpp"),
            "value": value,
            "tool": {"euv_optics": False}.get(iid),
            "unit": unit,
            "value_source": value_source,
            "source": ("est:attributes" if src == "est" else src) if attrs else "",
        }
        for a in ATTRS[2:]:
            row[a] = attrs.get(a)
        items.append(row)
    # a published capacity source shared by several stated capacities is a company total split
    stated = Counter(f[9] for f in F if f[7] is not None and f[9] != "est")
    shared = {k for k, n in stated.items() if n > 1}
    facilities = [
        {
            "id": f[0],
            "name": f[1],
            "company": f[2],
            "country": f[4],
            "kind": f[5],
            "produces": f[6],
            "capacity": cap[f[0]],
            "recovery_weeks": f[8],
            "hq_country": HQ_CORRECTIONS.get(f[0], (f[3], ""))[0],
            "capacity_source": _capacity_source(f, shared),
            "recovery_weeks_source": "est:recovery",
        }
        for f in F
    ]
    for r in recipes:
        r["quantity"] = _sig(r["quantity"])
    for s in supplies:
        s["share"] = _sig(s["share"], 9)
    # re-normalise rounded shares so each group sums to 1 within 1e-9
    groups = defaultdict(list)
    for s in supplies:
        groups[(s["buyer"], s["item"])].append(s)
    for rows in groups.values():
        rows[-1]["share"] = _sig(1.0 - sum(r["share"] for r in rows[:-1]), 9)
    candidates = [
        {
            "supplier": c[0],
            "buyer": c[1],
            "item": c[2],
            "cost": c[3],
            "lead_weeks": c[4],
            "max_share": c[5],
            "source": "est:qualification" if c[6] == "est" else c[6],
        }
        for c in CANDIDATES
    ]
    certifications = [
        {
            "supplier": c[0],
            "item": c[1],
            "cost": c[2],
            "lead_weeks": c[3],
            "max_share": c[4],
            "source": "est:qualification" if c[5] == "est" else c[5],
        }
        for c in CERTIFICATIONS
    ]
    assert set(item_ids) >= {r["produces"] for r in facilities}
    expansions = []
    for e in EXPANSIONS:
        assert e[0] in fac_rows, f"expansion at an unknown facility {e[0]}"
        expansions.append(
            {
                "facility": e[0],
                "added_capacity": e[1],
                "cost": e[2],
                "lead_weeks": max(0, e[3] - EXPANSION_SHIFT),
                "description": e[4],
                "added_capacity_source": e[5],
                "cost_source": e[6],
                "lead_weeks_source": e[7],
            }
        )
    companies = {f[2] for f in F}
    assert set(HQ_CORRECTIONS) <= set(fac_rows), "hq correction for an unknown facility"
    ownership: list[dict[str, Any]] = []
    for owner, owned, share, src in OWNERSHIP:
        assert owner in companies, owner
        assert owned in companies, owned
        assert owner != owned, owner
        assert 0 < share <= 1, (owner, owned, share)
        assert src in SOURCES, (owner, owned, src)
        ownership.append({"owner": owner, "owned": owned, "share": share, "source": src})
    for company in {str(r["owned"]) for r in ownership}:
        assert sum(float(r["share"]) for r in ownership if r["owned"] == company) <= 1 + 1e-9, company
    tables = {
        "items": items,
        "facilities": facilities,
        "recipes": recipes,
        "supplies": supplies,
        "candidates": candidates,
        "certifications": certifications,
        "expansions": expansions,
        "ownership": ownership,
    }
    used: set[str] = set()
    for rows in tables.values():
        for r in rows:
            for col, cell in r.items():
                if (col == "source" or col.endswith("_source")) and cell:
                    used.update(k for k in str(cell).split(";") if k)
    assert "est" not in used, "a figure cites the bare 'est': name its method (ESTIMATES)"
    unknown = used - set(SOURCES) - set(ESTIMATES)
    assert not unknown, f"unknown source keys {sorted(unknown)}"
    sources = [
        {
            "key": key,
            "kind": "published",
            "author": author,
            "title": title,
            "year": year,
            "url": url,
            "licence": LICENSED if LICENSED in author else "",
            "method": "",
        }
        for key, (author, title, year, url) in SOURCES.items()
    ]
    sources += [
        {
            "key": key,
            "kind": "estimate",
            "author": "supplychain maintainers",
            "title": name,
            "year": "2026",
            "url": "",
            "licence": "",
            "method": method,
        }
        for key, (name, method) in ESTIMATES.items()
    ]
    tables["sources"] = sources
    return tables


COLUMNS = {
    "items": ["id", "name", "tags", "node_nm", "tpp", "value", "tool", "unit", *ATTRS[2:], "value_source", "source"],
    "facilities": [
        "id",
        "name",
        "company",
        "country",
        "kind",
        "produces",
        "capacity",
        "recovery_weeks",
        "hq_country",
        "capacity_source",
        "recovery_weeks_source",
    ],
    "recipes": ["facility", "item", "quantity", "stock_weeks", "quantity_source", "stock_weeks_source"],
    "supplies": ["supplier", "buyer", "item", "share", "source"],
    "candidates": ["supplier", "buyer", "item", "cost", "lead_weeks", "max_share", "source"],
    "certifications": ["supplier", "item", "cost", "lead_weeks", "max_share", "source"],
    "expansions": [
        "facility",
        "added_capacity",
        "cost",
        "lead_weeks",
        "description",
        "added_capacity_source",
        "cost_source",
        "lead_weeks_source",
    ],
    "ownership": ["owner", "owned", "share", "source"],
    "sources": ["key", "kind", "author", "title", "year", "url", "licence", "method"],
}


def _csv_text(table: str, rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS[table])
    for r in rows:
        out = []
        for c in COLUMNS[table]:
            v = r.get(c)
            out.append("true" if v is True else "false" if v is False else _fmt(v))
        w.writerow(out)
    return buf.getvalue()


# =============================================================================================
# validation shares, computed from tables (also used by the tests on the shipped CSVs)
# =============================================================================================


def region_of(country: str, listed: set[str]) -> str:
    if country in listed:
        return country
    for region, members in REGIONS.items():
        if region in listed and country in members:
            return region
    return "other"


def segment_shares(seg: dict, facilities: list[dict], recipes: list[dict], supplies: list[dict]) -> dict[str, float]:
    """Percent share per listed country (and 'other') of a validation segment."""
    listed = set(seg["published"])
    by_id = {f["id"]: f for f in facilities}
    totals: dict[str, float] = defaultdict(float)
    basis = seg["basis"]
    if basis.startswith("flows:"):
        target = basis.split(":", 1)[1]
        qty = {(r["facility"], r["item"]): float(r["quantity"]) for r in recipes}
        for s in supplies:
            if s["item"] in seg["items"] and by_id[s["buyer"]]["country"] == target:
                sup = by_id[s["supplier"]]
                flow = float(by_id[s["buyer"]]["capacity"]) * qty[(s["buyer"], s["item"])] * float(s["share"])
                totals[region_of(sup["hq_country"], listed)] += flow
    elif basis == "items":
        group_of = {item: group for group, members in seg["groups"].items() for item in members}
        for f in facilities:
            if f["produces"] in seg["items"]:
                totals[group_of.get(f["produces"], "other")] += float(f["capacity"])
    else:
        col = "hq_country" if basis == "hq" else "country"
        for f in facilities:
            if f["produces"] in seg["items"]:
                totals[region_of(f[col], listed)] += float(f["capacity"])
    grand = sum(totals.values())
    out = {c: 100.0 * totals.get(c, 0.0) / grand for c in sorted(listed)}
    out["other"] = 100.0 * totals.get("other", 0.0) / grand
    return out


def published_other(seg: dict) -> float:
    return seg.get("other", max(0.0, 100.0 - sum(seg["published"].values())))


def validation_rows(tables: dict) -> list[tuple[str, str, str, float, float, str, str]]:
    rows = []
    for seg in VALIDATION:
        shares = segment_shares(seg, tables["facilities"], tables["recipes"], tables["supplies"])
        for c, pub in seg["published"].items():
            rows.append((seg["segment"], seg["basis"], c, pub, shares[c], seg["source"], seg["year"]))
        if "other" in seg:
            rows.append(
                (seg["segment"], seg["basis"], "other", seg["other"], shares["other"], seg["source"], seg["year"])
            )
    return rows


# =============================================================================================
# README
# =============================================================================================

INTRO = """# The `semiconductors` network

A semiconductor to AI-compute supply network built from public figures, bundled with `supplychain`
so that every command runs with no download: `sc.read_network("semiconductors")` or
`network: semiconductors` in a scenario. It is **generated**: `build.py` beside this file holds every
figure as a Python table with a source key and writes the CSV files and this README
deterministically (`python supplychain/data/semiconductors/build.py`; a test checks that the shipped
files are exactly what it writes). Edit `build.py`, never the CSVs.

**What it represents.** Capacities at about 2023-2024 levels; supplier relations as they would be
*without* the export controls the scenarios model (the baseline keeps, for example, TSMC supplying
HiSilicon as before September 2020, NVIDIA selling A100/H100 to Chinese server makers as before
October 2022, and ASML selling immersion scanners to Chinese fabs as before September 2023), so that
each scenario's controls cut relations that really existed. Menus of products from several years
(A100, A800, H800, H20, H100, B200) sit side by side so that successive rules select different items.

**Honesty about the numbers.** Country shares of the validated segments are *calibrated* to the
published figures below (facility capacities are allocations of published shares), and the
validation table shows how close the result is. Facility-level capacities, recipe quantities,
stocks, recovery times, qualification costs and most item values are estimates (source keys
`est:...` in `sources.csv`, each with its method; see *Provenance*), derived as described under
*Modelling conventions*; treat results as orders of magnitude and relative exposures, not
forecasts. Each run's `run.json` says how many of the figures behind its loss are estimates.
"""

CONVENTIONS = """## Modelling conventions

- **Chain.** polysilicon -> wafers -> fabs (logic by node class, DRAM, NAND, and discrete, analog
  and other devices, DAO, item `analog_power`) which also consume photoresist (EUV resist its own
  item), HF, neon, specialty gases, germane (made with germanium; logic at 28 nm and below),
  photomasks (made from mask blanks with e-beam and laser mask writers and mask inspection tools)
  and tools; wafer makers buy crystal furnaces and machining tools; DRAM -> HBM stacks; logic
  wafers + HBM + CoWoS-class packaging (which needs a mature-node interposer wafer, ABF substrate,
  bonders, testers, polyimide, and, like HBM and assembly/test lines, dicing, wafer bonding,
  packaging fab tools and probers/handlers) + EDA + IP
  -> an accelerator sold by its **design** facility (the fabless firm's product line is the
  integrator that buys wafers, memory and packaging and sells the chip); accelerators + server CPUs
  + DRAM + NAND + power and analog devices (`analog_power`) -> **AI servers** (assembly, kind
  `osat`); servers + optical transceivers (GaAs/InP substrates, gallium) -> **compute centres**,
  the final outputs. CPUs, smartphone SoCs and FPGAs use conventional assembly and test. Fabs,
  design lines and tool makers whose output no modelled facility buys are final outputs too
  (wafers and chips for the rest of the economy).
- **Units.** Every item's unit is in the items table below. Wafers are thousand 300 mm-equivalent
  wafer starts per week; lithography tools are units per week (fractional); other tools, EDA and IP
  are USD million per week; chemicals are *supply units* (su: the quantity used for 1 000 wafer
  starts of a 28 nm-class logic flow; leading-edge flows use 1.2-1.6 su per thousand wafers); AI
  servers and compute are H100-equivalents per week (an accelerator counts TPP / 15 832).
- **Tools as an installed base.** A fab's tool input stands for new tools, spare parts and the
  maker's service together. Its quantity is the fab's share of that tool type's annual purchases
  per wafer start: annual purchases x class weight / sum over fabs of (capacity x class weight),
  with annual purchases in `TOOL_SPEND` (53 EUV systems a year; 449 lithography systems of all
  kinds sold by ASML in 2023, per its results; for the tools added from the ETO 2025 release, ETO's
  2025 market size). Tools bought outside the fabs (mask writers and inspection at mask shops,
  crystal tools at wafer makers, packaging and test tools at CoWoS, HBM and assembly/test lines)
  take annual purchases x an assumed fraction per buyer class (`SPEND_BUYERS`), shared within the
  class by capacity. The tool's `stock_weeks` is the **installed base**:
  the weeks a fab keeps producing on the tools it has, its spares and whatever service it can
  still get once new tools, OEM parts and OEM service all stop. The values are EUV 26; DUV
  lithography 52; deposition (with ALD and epitaxy), etch, tracks and advanced-packaging fab tools
  78; clean, CMP, crystal furnaces and machining 104; implant, metrology (with mask inspection),
  mask writers, testers and probers/handlers 52; packaging tools (die attach, dicing, wafer
  bonding) 104 (`est:installed-base`, basis under *Provenance*).
  So a tool control bites only after the installed base runs down. A rule that stops new tools
  but leaves service (the Dutch rule of 2023, before servicing was licensed in September 2024)
  is read as stopping both. That overstates its effect after the installed-base weeks. The
  model has no capacity growth, so it cannot show the real effect of such a rule, which is on
  expansion.
- **Capacities.** Fabs, memory fabs, assembly/test plants, CPU/SoC/FPGA lines and compute centres
  have stated capacities: fabs at real scale from company and industry figures (see *Fab
  capacity*), the others estimates at 2023-2024 levels allocating the published country shares.
  Every other supplier's capacity is derived: normal demand on it x 1.2 (about 83 % utilisation),
  so the network closes (each supplier covers the demand on it).
- **Shares.** A buyer's split between suppliers of an item follows the published company shares
  of that market (the same split for every buyer) except where noted: no EUV to Chinese fabs (none
  was ever shipped; SMIC's 7 nm line uses immersion multi-patterning instead), Korean fabs' HF mix
  of 2019 (Japan 44.6 %), Chinese server makers' CPU mix, Chinese accelerators' HBM (Samsung, CXMT),
  and each design line's foundry and packaging partners.
- **Country.** `country` is where the facility is (what controls and disruptions act on);
  `hq_country` is where the owning company is headquartered (the company that owns the facility's
  line; for a majority-owned subsidiary, its parent's home: AXT Tongmei USA, IMS Nanofabrication
  USA through Intel), used where published shares are by company (tools, EDA, memory) and by a
  control's `headquarters:` list. Facilities of a foreign firm in China (SK hynix Wuxi, Samsung
  Xi'an, TSMC Nanjing) are Chinese buyers for destination-based controls; a facility whose owner is
  headquartered in China is a target of `headquarters: [CHN]` wherever it is. Corrections to the
  default (the hq the tables give, for compute centres their location) are listed under
  *Ownership and headquarters*.
- **Values** are USD million per unit: list or typical prices for tools and chips; for chemicals
  the market size divided by the modelled demand. They weight de minimis content and final output.
  De minimis shares are computed over the *modelled* inputs only, so they are coarse.
- **Simplifications.** One item per node class (no per-node recipes inside a class); no yield
  losses beyond dies per wafer; no inventory dynamics beyond `stock_weeks`; substitution between
  products (e.g. H800 for H100) happens only through candidates and certifications, not
  automatically; server lines each use one accelerator type; raw materials upstream of chemicals
  (fluorspar, bauxite, zinc ores) are not modelled.
"""

TAGS_DOC = """## Tags and attributes for scenarios

Controls select items with glob patterns on ids and tags, and `where:` thresholds on numeric
columns. Tag families: `sme` (every tool), `lithography`, `euv`, `duv`, `duv_immersion`,
`arfi_advanced`, `arfi_mainstream`, `duv_dry`, `krf`, `iline`, `track`, `deposition`, `etch`,
`clean`, `cmp`, `implant`, `metrology`, `test`, `packaging`, `advanced_sme`, and from the ETO 2025
release `ald`, `epitaxy`, `laser_mask_writer`, `mask_inspection`, `dicing`, `wafer_bonding`,
`adv_pkg_fab`, `prober_handler`, `wafer_making`, `crystal_growing`, `crystal_machining` (ALD and
epitaxy carry `advanced_sme`, as `dep_advanced` did when it held them); `ai_accelerator`,
`gpu`, `asic`, `china_variant`, `nvidia`, `amd`, `huawei`, `cambricon`; `hbm`, `dram`, `nand`,
`memory`; `logic`, `advanced_logic`, `sub10nm`, `mature_logic`; `analog_power`, `dao` (discrete,
analog and other devices); `ai_server`, `ai_compute`;
`jp_kr_2019` (what Japan licensed for Korea in July 2019 and the network holds: EUV resist and
high-purity HF; the third item, fluorinated polyimide, is a display material, and the network
has no display chain: the packaging polyimide it holds is photosensitive polyimide, not
controlled), `critical_mineral` (Ga, Ge).
ECCN tags (`eccn:3B001.f.1`, `eccn:3B001`, `eccn:3B090`, `eccn:3B993`, `eccn:3A090.a`,
`eccn:3A090.c`, `eccn:4A090.a`, `eccn:3A001.a.7`, `eccn:3D006`, `eccn:3B001.j`) give the entry
the item is commonly reported under; the Oct 2023 rule (fr2023) folded 3B090 into 3B001/3B002, so
advanced deposition and etch carry both. The sub-paragraphs and the 3B993 tags on mainstream tools
are leads to check against Supplement 1 to EAR part 774 before relying on them; prefer the
functional tags. `node_nm` on tools is the most advanced node class the tool type is mainly bought
for. Accelerator TPP = dense TOPS x bit length (H100: 1 979 dense FP8 TOPS x 8 = 15 832),
`perf_density` = TPP / die area (mm2), `io_gbps` = aggregate bidirectional interconnect (GB/s).
"""


ETO_OLD = "8a926c18b026c38d170a3b3c08f1dfaebd2fa35e"
ETO_NEW = "9b726243705f806ee9154d0aea2a01af39aad884"
# company shares that moved by 2 percentage points or more between the two ETO releases (provision.csv
# company rows; None = no row), with the network item that carries them
ETO_MOVES: list[tuple[str, str, str, float | None, float | None, str]] = [
    # (ETO id, input, company, 2024 %, 2025 %, item)
    ("N105", "KrF lithography tools", "Canon", 17.4, 31.0, "krf_scanner"),
    ("N105", "KrF lithography tools", "ASML", 79.2, 66.0, "krf_scanner"),
    ("N86", "CMP tools", "Applied Materials", 60.1, 48.8, "cmp_tool"),
    ("N86", "CMP tools", "EBARA", 27.8, 36.1, "cmp_tool"),
    ("N86", "CMP tools", "Hwatsing", 9.1, 12.3, "cmp_tool"),
    ("N73", "Die attaching tools", "SEMES", 17.0, 7.0, "packaging_tool (now N131)"),
    ("N73", "Die attaching tools", "HANMI", 10.4, 19.3, "packaging_tool (now N131)"),
    ("N73", "Die attaching tools", "ASM Pacific", 15.3, 20.0, "packaging_tool (now N131)"),
    ("N73", "Die attaching tools", "Hanwha Semitech", None, 4.8, "packaging_tool (now N131)"),
    ("N73", "Die attaching tools", "Shinkawa", 4.2, None, "packaging_tool (now N131)"),
    ("N73", "Die attaching tools", "Besi", 31.9, 28.0, "packaging_tool (now N131)"),
    ("N73", "Die attaching tools", "Shibaura Mechatronics", 3.8, 6.4, "packaging_tool (now N131)"),
    ("N73", "Die attaching tools", "Fasford Tech", 4.2, 2.2, "packaging_tool (now N131)"),
    ("N120", "Test tools", "Advantest", 55.6, 62.7, "test_equipment"),
    ("N120", "Test tools", "Teradyne", 27.7, 21.8, "test_equipment"),
    ("N106", "i-line lithography tools", "Canon", 47.7, 53.7, "iline_stepper"),
    ("N106", "i-line lithography tools", "ASML", 35.7, 31.2, "iline_stepper"),
    ("N106", "i-line lithography tools", "Nikon", 5.7, 3.3, "iline_stepper"),
    ("N49", "Wet etching and cleaning tools", "Screen", 37.9, 32.0, "clean_tool"),
    ("N49", "Wet etching and cleaning tools", "Lam Research", 17.5, 22.1, "clean_tool"),
    ("N49", "Wet etching and cleaning tools", "Tokyo Electron", 21.5, 19.1, "clean_tool"),
    ("N17", "Ion implanters", "Applied Materials", 67.8, 62.6, "ion_implanter"),
    ("N17", "Ion implanters", "CETC", None, 3.1, "ion_implanter"),
    ("N36", "Deposition tools", "Applied Materials", 44.8, 41.2, "dep_advanced, dep_mainstream"),
    ("N36", "Deposition tools", "Lam Research", 14.5, 16.9, "dep_advanced, dep_mainstream"),
    ("N103", "Dry etch tools", "Tokyo Electron", 26.4, 23.4, "etch_advanced, etch_mainstream"),
    ("N103", "Dry etch tools", "Lam Research", 38.7, 41.1, "etch_advanced, etch_mainstream"),
    ("N32", "Resist processing tools", "SUSS MicroTec", 2.9, None, "resist_track"),
]
# inputs the network takes from the 2025 release that it did not model before
ETO_NEW_INPUTS: list[tuple[str, str, str, str]] = [
    # (ETO id, ETO name, item, note)
    ("N41", "Atomic layer deposition tools", "ald_tool", "netted out of deposition (N36)"),
    ("N40", "High-temperature CVD tools", "epi_tool", "ETO's epitaxy input; netted out of deposition (N36)"),
    ("N30", "Mask exposure systems - laser beam", "laser_mask_writer", ""),
    ("N62", "Photomask inspection and repair tools", "mask_inspection", "netted out of process control (N60)"),
    ("N71", "Dicing tools", "dicing_tool", "includes back-grinding"),
    ("N10", "Wafer bonding and aligning tools", "wafer_bonder", "a child of N109"),
    ("N109", "Fabrication tools (for advanced packaging)", "adv_pkg_tool", "N109 less its child N10"),
    ("N131", "Die attaching tools for IC", "packaging_tool", "replaces N73 (all die attach) as the basis"),
    ("N83", "Handlers and probers", "prober_handler", "a sibling of N120 test tools, not part of it"),
    ("N8", "Crystal growing furnaces", "crystal_furnace", "2022 data, one company (PVA TePla 100 %): weak"),
    ("N9", "Crystal machining tools", "crystal_machining", ""),
]


def _pct(x: float | None) -> str:
    return "no row" if x is None else f"{x:.1f}"


def eto_release_text() -> str:
    moves = [[f"{c}", f"{eid} {name}", f"{_pct(a)} -> {_pct(b)}", f"`{it}`"] for eid, name, c, a, b, it in ETO_MOVES]
    new = [[eid, name, f"`{it}`", note] for eid, name, it, note in ETO_NEW_INPUTS]
    return (
        "## ETO release and what moved\n\n"
        f"The tool shares come from ETO's release at commit `{ETO_NEW}` of `georgetown-cset/eto-chip-explorer` "
        "(12 August 2026, CSET analysis of TechInsights 2025 data published 3 July 2026; key `eto2025`). "
        f"They replace the shares of the release at commit `{ETO_OLD}` (TechInsights 2024 data; key "
        "`eto2024`, kept in `sources.csv` for this history). Company shares are renormalised over the modelled "
        "companies: ETO's residual rows *Various companies* / *Various countries* and companies below about "
        "2 % without a facility are left out, so each modelled company's share rises in proportion; the "
        "validation compares the result with ETO's published country rows. Makers with no company row "
        "in 2025 keep a share read from another row, as an estimate (`est:split`): Nikon (no ArF "
        "immersion company row in 2025) keeps the JPN country row, 0.7 %; SUSS "
        "MicroTec (no track row) keeps the DEU country row, 0.7 %; Shinkawa (no row) keeps the row of its "
        "group, Yamaha Robotics, 1.4 % of die attach for ICs (ETO does not say the two are one; Shinkawa "
        "is a Yamaha Robotics group company); Hoson (no N131 row) keeps the CHN country row, 0.5 %; Cohu "
        "has no test-tool row in 2025 and its facility `cohu_test` now makes handlers (4.0 % of N83); "
        "Kingstone has no ETO row in either release: it keeps an estimated 3 % at three Chinese mature "
        "fabs (`est:split`) and its candidates. New facilities for companies that reached 2 %: CETC "
        "(implanters, 3.1 %), DI Corporation (testers, 2.1 %), Onto Innovation (i-line, 2.5 %), Hanwha "
        "Semitech and Kulicke & Soffa (die attach for ICs, 5.8 % and 4.2 %). Where an input became its "
        "own item its market is netted out of the parent (company USD = share x market, less the "
        "child's; `net_of` in `build.py`): deposition (N36, USD 26.2 bn) less ALD (N41, 4.1 bn) and "
        "high-temperature CVD (N40, 1.6 bn), whose purchases also leave `dep_advanced` (12 000 -> 6 300 "
        "USD M a year); process control (N60, 15.7 bn) less photomask inspection and repair (N62, 2.2 "
        "bn; `metrology` 12 000 -> 9 800); advanced-packaging fab tools (N109, 6.2 bn) less wafer "
        "bonding (N10, 0.67 bn). The 2019 CSET figures (EDA, core IP, wafers, photoresist, photomasks, "
        "CPUs, FPGAs) and the 2022 stage shares of assembly, test and packaging are the same in both "
        "releases and unchanged here.\n\n"
        "Company shares that moved by 2 percentage points or more (percent of each input):\n\n"
        + _md_table(["company", "ETO input", "2024 -> 2025", "item"], moves)
        + "\nInputs added from the 2025 release (market sizes from its `inputs.csv` are the tools' "
        "annual purchases, `TOOL_SPEND`):\n\n" + _md_table(["ETO id", "ETO input", "item", "note"], new)
    )


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out) + "\n"


def fab_capacity_text(facs: list[dict]) -> str:
    """The README section on fab capacity: units, company totals and their sources, splits, estimates."""
    wafer = [f for f in facs if f["produces"] in WAFER_ITEMS]
    world = sum(float(f["capacity"]) for f in wafer)

    def total(company: str, items: tuple[str, ...] | None = None) -> float:
        return sum(
            float(f["capacity"]) for f in wafer if f["company"] == company and (items is None or f["produces"] in items)
        )

    memory_items = ("dram", "dram_legacy", "nand")
    logic_items = tuple(i for i in WAFER_ITEMS if i not in (*memory_items, "analog_power"))
    tsmc = total("TSMC")
    tsmc_2023 = tsmc - sum(float(f["capacity"]) for f in wafer if f["id"] in ("tsmc_fab21", "jasm_kumamoto"))
    dao = sum(float(f["capacity"]) for f in wafer if f["produces"] == "analog_power")
    by_item: defaultdict[str, float] = defaultdict(float)
    for f in wafer:
        by_item[f["produces"]] += float(f["capacity"])
    memory_share = 100 * sum(by_item[i] for i in memory_items) / world
    china_ic = sum(float(f["capacity"]) for f in wafer if f["country"] == "CHN" and f["produces"] != "analog_power")
    by_class = ", ".join(f"`{i}` {by_item[i]:.0f}" for i in logic_items)
    sub7 = by_item["logic_5nm"] + by_item["logic_7nm"]
    aggregates = [f for f in wafer if f["id"].endswith("_dao_other") or f["id"] == "japan_logic_other"]
    rows = [
        ["TSMC", "> 16 M 12-inch eq. wafers a year (2023)", "tsmc_about2023 (verified)", _fmt(round(TSMC_TOTAL, 1))],
        [
            "TSMC GIGAFABs 12/14/15/18",
            "> 12 M 12-inch wafers a year (2023)",
            "tsmc_gigafab2023 (verified)",
            _fmt(round(TSMC_GIGAFAB, 1)),
        ],
        [
            "Samsung (all)",
            "4 050 K 8-inch eq. a month (Dec 2021)",
            "knometa2022 (verified)",
            _fmt(round(SAMSUNG_TOTAL, 1)),
        ],
        [
            "Samsung memory",
            "about two-thirds of Samsung (2019 ratio)",
            "icinsights2019 (verified for 2019, secondhand for 2021)",
            _fmt(round(SAMSUNG_MEMORY, 1)),
        ],
        ["Samsung NAND", "~670 K 12-inch wafers a month", "chosun2024 (secondhand)", _fmt(round(SAMSUNG_NAND, 1))],
        ["SK hynix", "1 982 K 8-inch eq. a month (Dec 2021)", "knometa2022 (verified)", _fmt(round(SKHYNIX_TOTAL, 1))],
        [
            "Kioxia and WD",
            "1 328 K 8-inch eq. a month (Dec 2021)",
            "knometa2022 (verified)",
            _fmt(round(KIOXIA_WD_TOTAL, 1)),
        ],
        ["Intel", "884 K 8-inch eq. a month (Dec 2020)", "icinsights2021 (verified)", _fmt(round(INTEL_TOTAL, 1))],
        ["UMC", "772 K 8-inch eq. a month (Dec 2020)", "icinsights2021 (verified)", _fmt(round(UMC_TOTAL, 1))],
        ["SMIC", "948 K 8-inch eq. a month (end 2024)", "smic2024 (secondhand)", _fmt(round(SMIC_TOTAL, 1))],
        [
            "Hua Hong",
            "391 K 8-inch eq. a month (Q2 2024); Fab 7 94.5 K 12-inch",
            "huahong2024 (secondhand)",
            _fmt(round(HUAHONG_TOTAL, 1)),
        ],
        [
            "GlobalFoundries",
            "637 K 12-inch eq. shipped in Q3 2022",
            "gf2022q3 (verified; shipments)",
            _fmt(round(GF_TOTAL, 1)),
        ],
        ["YMTC", "115-120 K 12-inch wafers a month", "yole_ymtc (secondhand)", _fmt(round(YMTC_TOTAL, 1))],
        ["CXMT", "1.62 M 12-inch wafers input in 2024", "omdia_cxmt (secondhand)", _fmt(round(CXMT_TOTAL, 1))],
    ]
    return (
        "## Fab capacity\n\n"
        "Fab capacities are at real scale, in thousand 12-inch-equivalent wafer starts per week "
        "(`kwafer`): 8-inch-equivalent wafers per month / 2.25 (the area ratio (300/200)^2) x 12 / 52, "
        "12-inch wafers per month x 12 / 52, wafers per year / 52. The figures were gathered in "
        "`docs/research/fab-capacity.md`; each source's title says whether the figure was read in the "
        "source (verified) or quoted by another (secondhand). The modelled fabs total "
        f"{world:,.0f} kwafer a week ({world * 52 / 1000:.0f} M 12-inch eq. wafers a year), against "
        "SEMI's 29.6 M 8-inch eq. a month in 2023 (3 035 kwafer a week; semi_fab2024) and over 30 M "
        f"in 2024. TSMC's fabs total {tsmc:.1f} kwafer a week ({tsmc * 52 / 1000:.2f} M a year), of which "
        f"{tsmc_2023:.1f} ({tsmc_2023 * 52 / 1000:.1f} M a year) is the 2023 perimeter of its > 16 M and "
        "the rest Arizona and JASM, ramping from 2024-25 (estimates).\n\n"
        "Company totals (the source key of each of the company's fabs names the total it is a share of):\n\n"
        + _md_table(["company", "figure", "source (status)", "kwafer per week"], rows)
        + "\n**How totals are split across fabs (estimates).** TSMC's GIGAFABs by node class: Fab 18 "
        "(N5/N3) 37 %, Fab 15 (N7/N6) 17 %, Fab 12/14 16/12 nm 24 %, 28 nm 22 %; TSMC's other 76.9 "
        "(16 M less 12 M) as Nanjing 7, WaferTech 4, TSMC China 10 and the Taiwanese 6- and 8-inch fabs "
        "the rest. Samsung: memory two-thirds, NAND from the 670 K a month at full use (40 % of it in "
        "Xi'an), DRAM the rest of memory; of the non-memory third, Austin 24 % (an outside estimate, "
        "aju.news, March 2021, secondhand) split 65/35 between 14 nm and 28-45 nm, and in Korea SF4/SF3 "
        "21 %, 7LPP 17 %, 14 nm 14 %, 28 nm 14 % and 8-inch 10 %. SK hynix: DRAM 55 % (Icheon 33, Wuxi "
        "22) and NAND 45 % (Cheongju 31, Dalian 14) of its total. Kioxia and WD share their JV fabs "
        "50/50. Intel: Hillsboro 35 %, Chandler 30 %, Kiryat Gat 16.5 %, Leixlip Fab 24 13 % and Fab 34 "
        "5.5 %. UMC: Fab 12A 23 %, 12i 13 %, 12X 6.5 %, 12M 8.5 %, Hsinchu 8-inch 41 %, Hejian 8 % "
        "(about its 12-inch fabs' 87/50/25/33 K wafers a month and 8-inch fabs). SMIC: N+2 3.5 %, 14 nm "
        "3 %, 28/40 nm 22 %, mature 68.5 %. Hua Hong: Fab 7 as published, its 8-inch fabs the rest. GF: "
        "Malta 30 %, Dresden 30 %, Singapore 12-inch 20 % and 8-inch 12 %, Vermont 8 %.\n\n"
        "**Memory.** Knometa's Micron total (2 054 K 8-inch eq. a month, 211 kwafer a week) would give "
        "Micron a third of DRAM capacity against its 19.2 % of DRAM sales (trendforce_dram) and more "
        "NAND than the NAND shares allow; the model sizes Micron from the TrendForce shares against the "
        "Korean capacity instead (DRAM 61, NAND 30; estimates), as it does Nanya and Winbond. Memory "
        f"then holds {memory_share:.1f} % "
        "of modelled wafer capacity, against about 25 % in SEMI's 2023-2024 figures (DRAM 3.8 M plus "
        "3D NAND about 3.6 M of 29.6 M 8-inch eq. a month; the share is derived).\n\n"
        "**Discrete, analog and other (DAO) fabs** (item `analog_power`, kind `foundry`: power devices, "
        "PMICs, analog, sensors; MCU fabs count as logic, as in the SIA/BCG taxonomy, so NXP's and "
        "Infineon's Austin fabs, Renesas Naka and ST Crolles produce `logic_mature`). No analog or "
        "power IDM publishes wafer capacity: every DAO fab is an estimate (TI's RFAB1/RFAB2 as two fabs "
        "at the 30 000 wafer starts a month planned for RFAB, ti_rfab2004; the others, and the MCU "
        "fabs, Nanya, Winbond, VIS, PSMC, Nexchip, Huali and the smaller foundries, by judgement), and the aggregates "
        + ", ".join(f"`{f['id']}` ({_fmt(f['capacity'])})" for f in aggregates)
        + " are residuals, sized so that the country shares of all fabrication match SIA 2022 "
        f"(sia2024_fab) within 5 points. DAO fabs total {dao:,.0f} kwafer a week "
        f"({100 * dao / world:.0f} % of modelled capacity; SEMI's foundry 9.3 M and memory 7.4 M of "
        "29.6 M leave about 44 % to IDM logic and DAO together, so the residual aggregates, which absorb "
        "whatever the sourced fabs miss in each country, lean high). China's modelled IC capacity outside the DAO "
        f"item, {china_ic:.0f} "
        "kwafer a week, compares with Knometa's 3.5 M 8-inch eq. a month of IC capacity in China at the "
        "end of 2021 (359 kwafer a week). DAO fabs use mature tools (KrF and i-line lithography with "
        "tracks, mainstream deposition and etch, cleaning, CMP, implant, metrology) and consumables at "
        "mature levels (class weights in `build.py`, estimates). AI servers buy power and analog "
        "devices, 10 wafers of `analog_power` per thousand accelerators (estimate), from the large "
        "power and analog IDMs' fabs (split: estimate).\n\n"
        f"Logic capacity by node class: {by_class} kwafer a week; 7 nm and below {sub7:.0f}, "
        "against SEMI's 850 K 12-inch wafers a month in 2024 (196 kwafer a week; semi_300mm2025).\n"
    )


def expansions_text(tables: dict) -> str:
    """The README's Expansions section: every option with its figures, sources and first output."""
    units = {f["id"]: f["produces"] for f in tables["facilities"]}
    item_unit = {i["id"]: i["unit"] for i in tables["items"]}
    first = {(e[0], e[1]): e[8] for e in EXPANSIONS}
    rows = [
        [
            f"`{e['facility']}`",
            e["description"],
            f"{_fmt(e['added_capacity'])} `{item_unit[units[e['facility']]]}`",
            _fmt(e["cost"]),
            _fmt(e["lead_weeks"]),
            first[(e["facility"], e["added_capacity"])],
            e["added_capacity_source"],
            e["cost_source"],
            e["lead_weeks_source"],
        ]
        for e in tables["expansions"]
    ]
    left = [[f"`{r[0]}`", f"`{r[1]}`", r[2], r[3], r[4], r[5]] for r in EXPANSIONS_NOT_INCLUDED]
    return (
        "## Expansions\n\nCapacity that could be built at existing facilities in the member countries of the "
        "library's consortium scenarios (`expansions.csv`: facility, added_capacity per week in the unit of the "
        "facility's item, one-off cost in USD, lead_weeks): announced fabs, assembly and test plants, a server "
        "plant and AI compute deployments with their stated costs and timelines, researched in "
        "`docs/research/expansions/` (NOTES.md gives the reasoning, expansions.csv each row's arithmetic). "
        f"`lead_weeks` counts weeks to first output from {EXPANSION_START}, week 0 of the library's mid-2025 "
        f"scenarios (the research counts from 2025-01-01; {EXPANSION_SHIFT} weeks less, floored at 0); first "
        "output is not full output, and the ramps (years for the large plants) are not modelled. Each figure "
        "has its own source column (`added_capacity_source`, `cost_source`, `lead_weeks_source`). Caveats: "
        "compute capacity is a flow (accelerators brought online per week), so a one-off cluster is entered "
        "as one year's deliveries; the `vietnam_ai` baseline ('Viettel, FPT') and the `foxconn_mex_gb200` "
        "line (derived from demand) may already hold part of the FPT AI Factory and of the Guadalajara "
        "plant; Kulim 3 phase 1 was producing before week 0 (an option that is in fact already bought). "
        "The optimiser builds them only when a scenario sets `optimise.expansions: true`.\n\n"
        + _md_table(
            [
                "facility",
                "option",
                "added capacity per week",
                "cost (USD)",
                "lead weeks",
                "first output",
                "capacity source",
                "cost source",
                "lead source",
            ],
            rows,
        )
        + "\n\nNot included: seven researched options are plants the network does not have (no Indian fab or "
        "OSAT exists in it). Adding them would need new facilities with recipes (tools, chemicals), suppliers "
        "and buyers sourced as the other plants are, and a positive capacity (a facility's capacity must be "
        "above 0, so a plant that does not produce yet cannot be a row of `facilities`); they stay in "
        "`docs/research/expansions/new_facilities_proposed.csv` until then.\n\n"
        + _md_table(["proposed facility", "item", "added per week", "cost USD bn", "first output", "source"], left)
    )


def readme_text(tables: dict) -> str:
    items, facs = tables["items"], tables["facilities"]
    parts = [INTRO]
    n_countries = len({f["country"] for f in facs})
    parts.append(
        "## Size\n\n"
        + _md_table(
            ["table", "rows"],
            [
                ["items", str(len(items))],
                ["facilities", str(len(facs))],
                ["countries", str(n_countries)],
                ["recipes", str(len(tables["recipes"]))],
                ["supplies (edges)", str(len(tables["supplies"]))],
                ["candidates", str(len(tables["candidates"]))],
                ["certifications", str(len(tables["certifications"]))],
                ["expansions", str(len(tables["expansions"]))],
                ["ownership", str(len(tables["ownership"]))],
            ],
        )
    )
    parts.append(CONVENTIONS)
    parts.append("## Units\n\n" + _md_table(["unit", "meaning"], [[f"`{k}`", v] for k, v in UNITS.items()]))
    rows = []
    for it in items:
        attrs = ", ".join(f"{a}={_fmt(it[a])}" for a in ATTRS if it.get(a) is not None)
        rows.append(
            [
                f"`{it['id']}`",
                it["name"],
                f"`{it['unit']}`",
                it["tags"].replace(";", ", "),
                attrs,
                _fmt(it["value"]),
                it["source"],
            ]
        )
    parts.append(
        "## Items\n\n" + _md_table(["id", "name", "unit", "tags", "attributes", "value (USD M)", "source"], rows)
    )
    parts.append(TAGS_DOC)
    # facilities by kind and country
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for f in facs:
        counts[f["kind"]][f["country"]] += 1
    rows = [
        [k, str(sum(c.values())), ", ".join(f"{cty} {n}" for cty, n in sorted(c.items()))] for k, c in counts.items()
    ]
    parts.append("## Facilities by kind\n\n" + _md_table(["kind", "facilities", "countries"], rows))
    rows = [
        [
            f"`{f['id']}`",
            f["company"],
            f["country"],
            f["kind"],
            f"`{f['produces']}`",
            _fmt(f["capacity"]),
            _fmt(f["recovery_weeks"]),
        ]
        for f in facs
    ]
    parts.append(
        "## Facilities\n\nCapacity in the unit of the item produced, per week.\n\n"
        + _md_table(["id", "company", "country", "kind", "produces", "capacity", "recovery weeks"], rows)
    )
    parts.append(fab_capacity_text(facs))
    parts.append("""## Stocks and recovery times

| input or facility | value | basis |
|---|---|---|
| photoresist, HF, polyimide stock | 4.3 weeks | Korea held about one month of the three materials in July 2019 \
(yomiuri2019) |
| neon stock | 8.7 weeks | large chipmakers held two months or more of neon in 2022 (reuters_neon2022) |
| wafers, gases and germane, photomasks stock | 8, 4, 2 weeks | estimate (`est:stock`) |
| germanium at germane makers | 8 weeks | estimate (`est:stock`) |
| tools: installed base (EUV; DUV; dep/ALD/epi/etch/tracks/packaging fab tools; clean/CMP/crystal tools; \
implant, metrology, mask inspection, mask writers, testers, probers/handlers; die attach, dicing, wafer \
bonding) | 26; 52; 78; 104; 52; 104 weeks | `est:installed-base` (asml_refurb2023, smic_2024q4; \
docs/research/tools-materials.md) |
| EDA and IP stock (design lines) | 26 weeks | term licences keep working until they expire (estimate) |
| chips, HBM, wafers at design lines and servers | 4-8 weeks | die banks and component buffers (estimate) |
| fab and memory fab recovery | 130 weeks | building or re-equipping a fab takes about 2-3 years (estimate) |
| tool makers, materials | 52 weeks (EUV 104) | requalification and rebuild (estimate) |
| design lines, EDA/IP, servers | 26 weeks | re-spin or re-qualification (estimate) |
| packaging, assembly/test, compute | 52 weeks | rebuild of a line or data centre (estimate) |
""")
    vrows = validation_rows(tables)
    rows = [
        [seg, basis, c, f"{pub:.1f}", f"{model:.1f}", f"{round(model - pub, 1) + 0.0:+.1f}", src, year]
        for seg, basis, c, pub, model, src, year in vrows
    ]
    worst = max(abs(m - p) for _s, _b, _c, p, m, _src, _y in vrows)
    parts.append(
        "## Validation\n\nCountry shares of each segment's capacity in the bundled data beside the "
        "published figure (percent; basis `hq` = company headquarters, `location` = facility country, "
        "`flows:KOR` = normal flows to Korean buyers, `items` = share of the segment's wafer capacity "
        "held by the fabs of a group of items). Target: within 5 percentage points; the largest "
        f"difference is {worst:.1f} pp. `tests/test_bundled_network.py` recomputes every row from the "
        "shipped CSVs.\n\n"
        + _md_table(["segment", "basis", "country", "published %", "model %", "difference pp", "source", "year"], rows)
    )
    rows = [
        [
            c["supplier"],
            c["buyer"],
            c["item"],
            _fmt(c["cost"]),
            _fmt(c["lead_weeks"]),
            _fmt(c["max_share"]),
            c["source"],
        ]
        for c in tables["candidates"]
    ]
    parts.append(
        "## Candidates and certifications\n\nAlternative suppliers a buyer could qualify, and suppliers "
        "a consortium could certify for its members. Costs (USD) and lead times are estimates: a "
        "second-source foundry port of a 5 nm design is put at USD 500 million and 18 months, a server "
        "platform at USD 10-20 million and 3-6 months, a Korean fab's qualification of domestic HF at "
        "USD 2 million and about 3 months (Korean fabs did qualify Soulbrain and ENF HF within months "
        "of July 2019; motie2021).\n\n"
        + _md_table(["supplier", "buyer", "item", "cost", "lead weeks", "max share", "source"], rows)
    )
    rows = [
        [c["supplier"], c["item"], _fmt(c["cost"]), _fmt(c["lead_weeks"]), _fmt(c["max_share"]), c["source"]]
        for c in tables["certifications"]
    ]
    parts.append(_md_table(["certified supplier", "item", "cost", "lead weeks", "max share", "source"], rows))
    parts.append(expansions_text(tables))
    parts.append("""## Data gaps (estimates to replace with sourced figures)

- Fab capacities per fab (company totals are sourced, their split across fabs is not), Micron's
  DRAM and NAND capacity, the DAO fabs and the residual aggregates (see *Fab capacity*); the
  assembly/test volumes and compute brought online per centre are estimates that allocate the
  published country shares; the 10-45 nm and >45 nm logic shares are 2019 figures applied to a
  2023-2024 network.
- Tool purchases per year other than ASML's 2023 lithography total (EUV 53 a year, immersion,
  dry, KrF and i-line counts; deposition, etch, clean, CMP, implant and metrology spend), the
  class weights, chemical intensities and the market sizes behind chemical values.
- Shares without a verified published figure: polysilicon, photosensitive polyimide, EUV resist
  (Japan about 90 %, etnews2019; the split between makers is estimated), HF outside
  Korea, specialty gases, mask blanks, gallium at AXT Tongmei and the split of Chinese gallium
  between refiners (the sourcing of Sumitomo Electric and Freiberger is cited), germanium,
  compound substrates (one item for GaAs and InP: InP needs indium, not gallium, and most AI
  optics use InP lasers, so the gallium path to compute overstates), ABF substrates, optical
  transceivers, AI server makers. The network has no captive mask shops (about half of the
  photomask market), so fabs cut off from merchant masks lose more than they would.
- TPP and performance density of MI300X, TPU/Trainium, Ascend 910B and Cambricon MLU; HBM
  bandwidth density; DRAM half-pitch and NAND layer counts.
- ECCN sub-paragraphs (see *Tags and attributes*); the tools added from the ETO 2025 release
  carry no ECCN tag yet (not checked against Supplement 1 to EAR part 774 or 89 FR 96790).
- The buyer-class fractions of the purchases of tools bought outside the fabs (`SPEND_BUYERS`),
  the class weights of ALD and epitaxy, and the advanced split of deposition without ALD and epi.
- Stock weeks other than the 2019 Korean reserves and 2022 neon stocks; every recovery time and
  qualification cost.
""")
    rows = [[o["owner"], o["owned"], _fmt(o["share"]), o["source"]] for o in tables["ownership"]]
    hq_rows = [[f"`{fid}`", hq, src] for fid, (hq, src) in HQ_CORRECTIONS.items()]
    parts.append(
        "## Ownership and headquarters\n\n"
        "`ownership.csv` holds one company's holding in another: `owner` and `owned` are company names "
        "as in the facilities' `company` column, `share` the fraction of `owned` held directly, in "
        "(0, 1]. Scenarios use it through `reach: {affiliates: x}`: a company held at least x, "
        "together, by the listed end users and the affiliates found so far is an affiliate too (the "
        "BIS Affiliates rule of 29 September 2025 uses x = 0.5). Only holdings between two companies "
        "of the network can be rows: Huawei's chip-design arm HiSilicon and SMIC's fab subsidiaries "
        "(SMIC Beijing, SMNC, SMSC) are facilities of the companies `Huawei` and `SMIC` themselves, so "
        "a rule naming Huawei or SMIC reaches them without a row. No company of the network is, on "
        "the sources below, held 50 % or more by an Entity-Listed company without being listed or "
        "modelled inside it, so the affiliates reach adds no buyer at the 0.5 threshold; Sugon's "
        "27.96 % of Hygon is the one holding between two listed companies (below the threshold). "
        "Intel's share of IMS Nanofabrication is derived: 100 % after 2015 less the about 20 % sold "
        "to Bain Capital and the about 10 % sold to TSMC in 2023.\n\n"
        + _md_table(["owner", "owned", "share", "source"], rows)
        + "\n\n`hq_country` corrections (the owning company's headquarters where the tables' "
        "default differs):\n\n" + _md_table(["facility", "hq_country", "source"], hq_rows)
    )
    eto_keys = sorted(k for k, (a, *_rest) in SOURCES.items() if "CC BY-NC" in a)
    parts.append(eto_release_text())
    parts.append(
        "## Licence of the data\n\n"
        "The figures keyed "
        + ", ".join(f"`{k}`" for k in eto_keys)
        + " are derived from the Emerging Technology Observatory's Advanced Semiconductor Supply "
        "Chain Dataset (Georgetown CSET), which is licensed **CC BY-NC 4.0** (its repository's "
        "`LICENSE.md`, the same at both commits below): attribution, and no commercial use. The tool "
        "shares and tool market sizes (`eto2025`) were read from the release at commit "
        f"`{ETO_NEW}` of `georgetown-cset/eto-chip-explorer` (12 August 2026, CSET analysis of "
        "TechInsights 2025 data published 3 July 2026; crystal growing furnaces 2022 data). The "
        "2019 CSET shares (`cset2021`: EDA, core IP, wafers, photomasks) and the 2022 stage shares of "
        f"assembly, test and packaging (`eto2022stages`) were read from the release at commit `{ETO_OLD}` "
        "(9 July 2025, TechInsights 2024 data published 5 May 2025), where `eto2024` points too; "
        "those rows are identical in the 2025 release; SIA's 2022 fabrication shares, which ETO quotes "
        "(`sia2024_fab`), were read at the 2025 release. The links below are pinned to these commits. "
        "No ETO file is copied into the package. The bundled network is a derived work of those figures, "
        "so it carries their licence: **the network's data (this folder's CSV files) is CC BY-NC "
        "4.0**, with attribution to CSET's Emerging Technology Observatory and to the other sources "
        "below, while the package's code is Apache-2.0. Using the data commercially needs CSET's "
        "permission; the importer (`sc.import_eto`) lets a user apply ETO data they fetched "
        "themselves under their own terms.\n"
    )
    parts.append(provenance_text(tables))
    rows = [
        [f"`{name}`", *(f"{b:.1f} -> {a:.1f}" for b, a in zip(before, after, strict=True)), why]
        for name, before, after, why in SCENARIO_HEADLINES
    ]
    parts.append(
        "## The scenario library before and after\n\nHeadline figures of every scenario on "
        "`semiconductors`, percent, static stress (fixed supply shares), before the data work on "
        "installed tools, germane, EUV resist, fab scale, DAO fabs and the 2025 ETO release (commit "
        "`7e3879e`) and after it (this data). `tests/test_scenario_library.py` recomputes every "
        "figure after the arrow.\n\n"
        + _md_table(
            ["scenario", "world compute lost %", "China compute lost %", "world fab output lost %", "why"], rows
        )
    )
    published = [r for r in tables["sources"] if r["kind"] == "published"]
    rows = [[f"`{r['key']}`", r["author"], r["title"], r["year"], r["url"]] for r in published]
    parts.append(
        "## Sources\n\nPublished sources (`sources.csv`, kind `published`); the hq corrections above "
        "cite theirs in the table.\n\n" + _md_table(["key", "author", "title", "year", "url"], rows)
    )
    return "\n".join(parts)


# The scenario library's headline figures before and after the data work of the issue on
# backtests and data (before: commit 7e3879e; after: this build), percent, static stress: world and
# China compute lost, world fab output lost (foundry and memory, weighted by value x capacity).
# tests/test_scenario_library.py recomputes every "after" figure from the shipped data.
SCENARIO_HEADLINES: list[tuple[str, tuple[float, float, float], tuple[float, float, float], str]] = [
    (
        "cn-2023-gallium-germanium",
        (15.4, 15.4, 13.7),
        (0.0, 0.0, 5.7),
        "Germanium now enters only as germane for SiGe epitaxy at logic fabs of 28 nm and below, not "
        "every specialty gas of every fab. Gallium: Japan's substrate maker takes 33 % of its gallium "
        "from China (JOGMEC; about half of Japan's gallium is recycled scrap), Freiberger 70 % (its own "
        "scrap the rest) with months of stock, so the optical transceivers every compute centre needs "
        "are not short (was 98 % Chinese gallium for every maker). Monte Carlo 95th percentile of world "
        "compute lost: 7.3 % (was 44.5 %). What fabs still lose is germane with fixed shares, after the "
        "stocks (re-routed, adaptive: nothing).",
    ),
    (
        "cn-2024-12-ban-to-us",
        (0.0, 0.0, 0.0),
        (0.0, 0.0, 0.0),
        "Unchanged: Air Products' germane line (USA) keeps 0.51 of its output, but fabs take 85 % of "
        "their germane from the other makers and hold 4 weeks of stock.",
    ),
    (
        "huawei-2020-fdpr",
        (2.3, 11.9, 0.0),
        (2.3, 11.9, 0.0),
        "Unchanged: HiSilicon and Huawei's server line lose their foundry and packaging within their stock.",
    ),
    (
        "jp-kr-2019-materials",
        (0.0, 0.0, 3.4),
        (0.0, 0.0, 1.8),
        "The rule covered EUV resist (now its own item), not every resist, and the packaging polyimide "
        "is not the controlled fluorinated polyimide. What is left is Japanese HF during the 19-week "
        "licence delay with fixed shares; Korea re-routed to its other HF suppliers (adaptive: 0).",
    ),
    (
        "nl-jp-2023-lithography",
        (0.3, 1.7, 3.4),
        (0.0, 0.0, 0.2),
        "Tools are an installed base: SMIC's advanced lines run on their DUV scanners for the year "
        "instead of stopping after 4 weeks. Left: US-origin specialty gases and germane under the US "
        "end-use control (Air Products, 15 %); Photronics serves Chinese fabs from Xiamen.",
    ),
    (
        "open-certification-consortium",
        (23.9, 73.1, 14.2),
        (15.9, 71.6, 4.9),
        "Its controls are those of the other scenarios: the installed base and germane lower the fab "
        "losses, gallium sourcing the compute losses outside China; China's are the advanced-computing "
        "controls'.",
    ),
    (
        "taiwan-strait-blockade",
        (63.2, 40.4, 24.9),
        (63.2, 40.4, 27.8),
        "Availabilities unchanged; at real scale Taiwan's fabs carry more of the world's fab value.",
    ),
    (
        "us-2022-10-advanced-computing",
        (5.8, 32.5, 3.2),
        (5.1, 28.6, 0.2),
        "Installed base: the Chinese advanced fabs under the end-use control keep running on their "
        "tools; China's compute loss is now the chips' own controls.",
    ),
    (
        "us-2023-10-update",
        (14.7, 73.1, 3.2),
        (14.7, 73.1, 0.2),
        "Compute unchanged (the 3A090/4A090 controls); fab losses fall with the installed base.",
    ),
    (
        "us-2024-12-hbm-sme",
        (14.1, 73.1, 3.2),
        (14.1, 73.1, 0.9),
        "As us-2023-10-update for compute. Fab losses: SMIC's Entity-List entries with "
        "foreign-direct-product reach bind on photomasks (Photronics' Xiamen plant is within reach; the "
        "network has no captive mask shops), and US-origin specialty gases at CXMT and YMTC.",
    ),
    (
        "us-2025-09-affiliates-rule",
        (4.9, 26.6, 0.3),
        (4.9, 26.6, 0.7),
        "SMIC's Entity-List entries with foreign-direct-product reach now bind on photomasks (Photronics' "
        "Xiamen plant is within reach; the network has no captive mask shops) instead of implanters, "
        "and SMIC's fabs weigh more at real scale.",
    ),
]

FIGURES = {
    "items": ["value", *ATTRS],
    "facilities": ["capacity", "recovery_weeks"],
    "recipes": ["quantity", "stock_weeks"],
    "supplies": ["share"],
    "candidates": ["cost", "lead_weeks", "max_share"],
    "certifications": ["cost", "lead_weeks", "max_share"],
    "expansions": ["added_capacity", "cost", "lead_weeks"],
    "ownership": ["share"],
}
"""The figure columns of each table (what provenance must cover)."""


def provenance_counts(tables: dict) -> list[tuple[str, str, int, int]]:
    """(table, column, published figures, estimated figures) for every figure column."""
    kind = {r["key"]: r["kind"] for r in tables["sources"]}
    out = []
    for table, cols in FIGURES.items():
        if table not in tables:  # a caller's subset of the tables
            continue
        for col in cols:
            pub = est = 0
            for r in tables[table]:
                value = r.get(col)
                if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
                    continue
                cell = r.get(f"{col}_source") or r.get("source") or ""
                keys = [k for k in str(cell).split(";") if k]
                assert keys, (table, col, r)
                assert all(k in kind for k in keys), (table, col, r)
                if any(kind[k] == "estimate" for k in keys):
                    est += 1
                else:
                    pub += 1
            if pub or est:
                out.append((table, col, pub, est))
    return out


def provenance_text(tables: dict) -> str:
    counts = provenance_counts(tables)
    n_pub = sum(c[2] for c in counts)
    n_est = sum(c[3] for c in counts)
    rows = [[t, c, str(p), str(e), f"{100.0 * e / (p + e):.0f} %"] for t, c, p, e in counts]
    est_rows = [[f"`{r['key']}`", r["title"], r["method"]] for r in tables["sources"] if r["kind"] == "estimate"]
    return (
        "## Provenance\n\nEvery figure has a source: the cell of its column's `<column>_source` "
        "(facilities: `capacity_source`, `recovery_weeks_source`; recipes: `quantity_source`, "
        "`stock_weeks_source`; items: `value_source`), else the row's `source` (items' attributes, "
        "supplies' shares, candidates, certifications, ownership). Each names keys of `sources.csv`: "
        "kind `published` (a publication gives the figure, or the share it is allocated from) or kind "
        "`estimate` (this network's estimate, with the method below). A supply share keyed to a "
        "published market share is published even where the share is applied to every buyer alike. "
        f"In all, {n_pub} figures are published and {n_est} are estimates "
        f"({100.0 * n_est / (n_pub + n_est):.0f} %). `run.json` says how many of the figures behind "
        "a run's loss are estimates (`provenance`). `tests/test_bundled_network.py` checks that no "
        "figure lacks a source.\n\n"
        + _md_table(["table", "column", "published", "estimates", "estimated"], rows)
        + "\n\nEstimates and their methods:\n\n"
        + _md_table(["key", "estimate", "method"], est_rows)
    )


def write(folder: str | Path) -> list[Path]:
    """Write the eight CSV files and README.md into ``folder``; return the paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tables = build()
    paths = []
    for table in COLUMNS:
        path = folder / f"{table}.csv"
        path.write_text(_csv_text(table, tables[table]), encoding="utf-8", newline="")
        paths.append(path)
    readme = folder / "README.md"
    readme.write_text(readme_text(tables), encoding="utf-8", newline="")
    paths.append(readme)
    return paths


if __name__ == "__main__":
    for p in write(sys.argv[1] if len(sys.argv) > 1 else HERE):
        print(p)
