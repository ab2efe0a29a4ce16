//! Word lists and the embedded gazetteer.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::LazyLock;

use model::EntityType;

/// The gazetteer file built by `scripts/gazetteer/build.py`.
const GAZETTEER_TSV: &str = include_str!("../data/gazetteer.tsv");

/// A gazetteer hit: what the name is and its canonical form.
#[derive(Debug, Clone)]
pub struct GazEntry {
    /// Location or organisation.
    pub kind: EntityType,
    /// The canonical name ("United States" for "U.S.").
    pub canonical: String,
}

/// Places, organisations and demonyms, loaded once.
pub struct Gazetteer {
    /// Exact-case names.
    pub names: HashMap<String, GazEntry>,
    /// Lower-cased names, for all-caps datelines ("MOSCOW").
    pub lower: HashMap<String, GazEntry>,
    /// Demonyms ("Russian", "North Korean") to their country.
    pub demonyms: HashMap<String, String>,
    /// Longest name in tokens.
    pub max_tokens: usize,
    /// First words of the exact-case names, to rule out most lookups cheaply.
    pub firsts: HashSet<String>,
    /// First words of the lower-cased names.
    pub lower_firsts: HashSet<String>,
}

/// The gazetteer, parsed on first use.
pub static GAZETTEER: LazyLock<Gazetteer> = LazyLock::new(|| {
    let mut names = HashMap::default();
    let mut lower = HashMap::default();
    let mut demonyms = HashMap::default();
    let mut max_tokens = 1;
    for line in GAZETTEER_TSV.lines() {
        let mut parts = line.split('\t');
        let (Some(kind), Some(name)) = (parts.next(), parts.next()) else {
            continue;
        };
        let canonical = parts
            .next()
            .filter(|c| !c.is_empty())
            .unwrap_or(name)
            .to_string();
        let kind = match kind {
            "L" => EntityType::Location,
            "O" => EntityType::Organization,
            "D" => {
                demonyms.insert(name.to_string(), canonical);
                continue;
            }
            _ => continue,
        };
        max_tokens = max_tokens.max(name.split(' ').count());
        let entry = GazEntry { kind, canonical };
        // Short all-caps forms ("US", "AP") only match as printed.
        if name.chars().count() > 3 {
            lower
                .entry(name.to_lowercase())
                .or_insert_with(|| entry.clone());
        }
        names.insert(name.to_string(), entry);
    }
    let first = |n: &String| n.split(' ').next().unwrap_or_default().to_string();
    let firsts = names.keys().map(first).collect();
    let lower_firsts = lower.keys().map(first).collect();
    Gazetteer {
        names,
        lower,
        demonyms,
        max_tokens,
        firsts,
        lower_firsts,
    }
});

fn set(words: &'static str) -> HashSet<&'static str> {
    words.split_whitespace().collect()
}

/// Words that head an organisation name ("Foreign Ministry", "China Media Group").
pub static ORG_HEADS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set("Ministry Agency Organization Organisation Council Commission Party Directorate Group Forum League Bank Fund \
         Union Committee Court Government Advisory Administration Office Department Service Institute University \
         College Company Corporation Corp Corp. Inc Inc. Ltd Ltd. LLC Association Federation Assembly Parliament \
         Congress Senate Guard Army Navy Police Command Authority Authorities Board Bureau Secretariat Foundation \
         Center Centre Network Airlines Airways Motors Holdings Partners Capital Securities Bank Exchange Times Post \
         News Television Radio Broadcasting Alliance Coalition Movement Front Brigade Brigades Academy Tribunal \
         Commissariat Inspectorate Prosecutor's Chamber Cabinet Presidium Duma Rada Majlis Sejm Bundestag Knesset \
         Media Press Daily Herald Journal Review Gazette Telegraph Institution Industries Group Trust Energy \
         Petroleum Oil Gas Railways Systems Technologies Labs Laboratory Laboratories Fleet Forces Force Service \
         Services Council Consortium Research Analytics Economics Consulting Insights Strategies Investments Initiative Programme Program Mission Delegation Embassy Consulate \
         Buses Logistics Foods Pharmaceuticals Pharma Mining Shipping Lines Telecom Telecommunications Insurance \
         Brands Electric Electronics Chemicals Aviation Automotive Ventures Solutions \
         Limited Chiefs AG GmbH SE SA NV PLC plc")
});

/// Words that head a place name ("Korean Peninsula", "Suez Canal Economic Zone").
pub static LOC_HEADS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set("Peninsula Zone Complex Sea Ocean River Strait Gulf Canal Island Islands Mountains Mountain Valley Province \
         Region Oblast Krai Territory Square Airport Plant NPP Station Bridge Dam Base Desert Lake Bay Coast Heights \
         Corridor Basin Plateau Highlands Port Harbour Harbor Street Avenue Palace Stadium Arena Park Field Fields \
         District County Belt Governorate Prefecture Republic Emirate Kingdom Cape Route Passage")
});

/// Words that end the names of events, laws and documents, which are none of the three entity types.
pub static EVENT_HEADS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set("Cup Day Days War Wars Games Olympics Prize Award Awards Summit Conference Agreement Treaty Accord Accords Act \
         Law Bill Plan Index Report Championship Championships Festival Week Year Crisis Revolution Protocol \
         Declaration Convention Charter Strategy Doctrine Deal Talks Dialogue Format Process Election Elections \
         Referendum Budget Fair Expo Show Tour Open Series League Marathon Exercise Exercises Drills Operation \
         Festival Era Age Bowl Cathedral Church Mosque Temple Memorial Museum Gallery Prize")
});

/// Title words stripped from person names ("Foreign Minister", "Director General").
pub static TITLES: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set("President Vice Prime Minister Ministers Deputy Foreign Defense Defence Interior Finance Treasury Commerce Trade \
         Economy Economic Justice Energy Health Education Agriculture Culture Transport Labor Labour Home Chancellor \
         Secretary Secretary-General Under-Secretary General Director Director-General Spokeswoman Spokesman \
         Spokesperson Ambassador Envoy Special Representative Commissioner High Chief Executive Chairman Chairwoman \
         Chair Speaker Premier Head Governor Mayor Senator Sen. Rep. Gov. Judge Justice Pope Patriarch Commander \
         Gen. Lt. Col. Adm. Maj. Sgt. Capt. Colonel Lieutenant Major Captain Admiral Marshal Field Mr. Mrs. Ms. Dr. \
         Prof. Mr Mrs Ms Dr Prof Sir Dame Lord Lady King Queen Prince Princess Crown Sheikh Emir Sultan Ayatollah \
         Cardinal Archbishop Bishop Rabbi Imam Cabinet State Acting Former Ex Attorney Auditor Inspector Leader \
         Opposition Party CEO Founder Co-founder Managing Counsel Councillor Councilor Lawmaker MP Congressman \
         Congresswoman Representative Economist Analyst Professor Coach Officer Minister-Counsellor Press Permanent \
         Financial Operating Technology Information Marketing Commercial Editor Editor-in-Chief Commander-in-Chief Chief-of-Staff Publisher Anchor Correspondent \
         Administrator Presidential Vice-President Vice-Chairman Vice-Premier Undersecretary Under-Secretary Ombudsman \
         Superintendent Comptroller Registrar Provost Dean Rector Chancellor-elect President-elect Premier-elect \
         Adviser Advisor Counsellor Attaché Consul Consul-General Envoy-designate Sheriff Marshal Constable")
});

/// Portfolio words inside long titles ("Minister of Investment, Trade and Industry"): never a person's name.
pub static PORTFOLIO: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set("Affairs Industry Industries Investment Science Technology Development Planning Resources Environment \
         Communications Information Tourism Sport Sports Youth Women Welfare Family Families Fisheries Forestry \
         Mining Mines Petroleum Power Railways Water Housing Urban Rural Infrastructure Security Emergency \
         Emergencies Situations Digital Innovation Higher Employment Social Protection Statistics Cooperation \
         Integration Relations Veterans Immigration Citizenship Climate Change Natural Heritage Arts Aviation \
         Maritime Regional Local Public Works Enterprise Enterprises Entrepreneurship Budget Revenue Taxation \
         Consumer Competition Food Agrarian Land Lands Territorial Administrative Reform Reforms Civil Policy \
         Coordination Parliamentary Legislative Cultural Religious National Federal International External \
         Internal Home Homeland Intelligence Military Naval Nuclear Space Research Telecommunications Media \
         Broadcasting Ports Shipping Roads Highways Transportation Tourism Commerce Trade Finance Economy \
         Energy Health Education Agriculture Culture Transport Labour Labor Justice Defence Defense Interior \
         Foreign Overseas Diaspora Minorities Human Rights Disaster Management Ecology Natural Wildlife Oceans")
});

/// Industry nouns before a company's name ("steelmaker Nordstahl", "carmaker X").
pub static COMPANY_NOUNS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set("steelmaker carmaker automaker chipmaker drugmaker planemaker shipbuilder shipmaker lender bank insurer \
         retailer miner airline carrier operator conglomerate manufacturer producer supplier utility refiner \
         developer startup start-up broadcaster publisher brewer distiller trader exporter importer firm company \
         group giant rival outfit maker provider unit subsidiary telecom telco grocer chain brand")
});

/// Lower-case nouns for a person's role ("spokeswoman Mao Ning", "the minister").
pub static PERSON_ROLES: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set("president minister chancellor spokeswoman spokesman spokesperson diplomat ambassador envoy leader chief head \
         official secretary premier king queen prince princess emir sheikh governor mayor senator lawmaker analyst \
         general commander director chairman chairwoman chair ceo founder counterpart deputy aide adviser advisor \
         economist expert strategist professor researcher negotiator representative commissioner prosecutor judge \
         lawyer attorney colonel captain officer diplomatist politician candidate speaker mp congressman \
         congresswoman sister brother wife husband daughter son mother father activist journalist correspondent \
         president-elect incumbent ruler monarch dictator source insider witness resident executive administrator \
         boss manager fellow scientist secretary-general")
});

/// Lower-case nouns that refer back to an organisation ("the ministry said").
pub static ORG_ROLES: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set("ministry agency commission government bloc company council committee office department regulator party court \
         embassy military army kremlin alliance organisation organization union bank fund firm group administration \
         authority authorities watchdog cartel utility operator carrier airline lender insurer retailer miner \
         producer manufacturer carmaker automaker steelmaker chipmaker drugmaker broadcaster consortium \
         conglomerate exporter statement cabinet parliament institute bureau service board office \
         agency regulator center centre")
});

/// Female role words and given names, for "she" and "her".
pub static FEMALE: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set("spokeswoman chairwoman congresswoman businesswoman queen princess mrs. ms. mrs ms madam dame lady sister wife \
         daughter mother actress duchess empress countess baroness \
         maria anna olga elena irina natalia natalya tatiana tatyana svetlana yulia ekaterina valentina ursula angela \
         kamala hillary nancy janet laura maia marine giorgia theresa liz jacinda sanna kaja annalena christine \
         mary sarah emma sophie julia claudia michelle condoleezza madeleine samantha linda karen susan ruth jane \
         margaret elizabeth catherine victoria sheikh_hasina hasina indira benazir aung yingluck tsai ing-wen \
         park geun-hye yo kristalina ngozi roberta metsola kristi penny nikki marjorie alexandria ilhan \
         mette magdalena ingrid frederiksen viola ana ivana beata jadwiga lena nina vera galina lyudmila ludmila \
         katharina katrin karin karen kristina christina monika petra sabine ursula heike anja julia ines silke \
         veronika veronica denise laura emily jennifer jessica ashley amanda melissa stephanie rebecca rachel \
         nicole hannah olivia isabella sofia chloe grace lucy alice charlotte amelia eva elena ilona ewa \
         yuriko yuko keiko akiko naoko sanae tomomi eun-hee ji-hyun min-ji su-jin hye-jin meenakshi priya \
         sunita nirmala smriti sushma pooja anjali deepika fatma zeynep ayse elif mariam layla noor rania \
         chiara francesca giulia valentina paola marta lucia carmen isabel pilar rosa ines beatriz \
         agnieszka katarzyna joanna dorota marie anne claire isabelle nathalie sylvie sandrine valerie \
         ingrid solveig astrid kari sigrid birgit lotte liesbeth femke sanne ewa zuzana jana lenka \
         marina zhanna oksana iryna olena yuliia kateryna maya mia aisha fatima leila nadia amina zainab")
});

/// Male role words and given names, for "he" and "his".
pub static MALE: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set("spokesman chairman congressman businessman king prince mr. mr sir lord brother husband son father emperor \
         duke sheikh emir sultan ayatollah pope cardinal archbishop rabbi imam \
         vladimir sergei sergey dmitry dmitri alexander alexei aleksei ivan mikhail nikolai andrei yuri viktor \
         volodymyr olaf emmanuel joe donald barack xi wang li recep hakan mohammed muhammad ahmed abdel ali hassan \
         hossein benjamin narendra rishi boris keir justin charles mark antonio jens pedro giorgos kyriakos \
         fumio shinzo yoshimasa junichiro nicholas antony john james william robert michael david richard thomas \
         matthias thomas stefan andreas michael markus christian martin peter klaus jurgen jörg joerg wolfgang \
         friedrich heinrich hans karl dieter helmut gerhard frank olaf armin hubertus christoph sebastian \
         paul george edward henry charles daniel matthew andrew steven kevin brian jason ryan eric scott \
         jeffrey gregory patrick dennis larry timothy anthony joseph christopher mark donald kenneth \
         francois jean pierre jacques philippe nicolas emmanuel bruno gerald luc marco giuseppe giovanni \
         luigi matteo carlos jose juan luis miguel javier manuel jorge fernando pedro sergio \
         haitham abdulaziz suhail faisal khalid omar abdullah yusuf ibrahim ahmad mustafa hamad salman \
         jitendra amit rahul rajnath piyush nitin arvind sanjay rajesh suresh ramesh vijay \
         takeshi taro yoshihide shigeru koichi hiroshi kenji hirokazu sung-min jong-un yoon suk-yeol \
         jae-myung ding xuexiang yi jian qiang dmitry anton yuri maxim denis oleg igor roman pavel \
         jens lars ola erik henrik anders nils jonas tomas jan piotr andrzej mateusz krzysztof")
});

/// Capitalised words that are never part of a name (sentence openers, days, months, ...).
pub static STOP: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set("The A An In On At As By For From Of To With Without About After Before During Since Until Under Over \
         Between Among Against Into Through Across Despite Following Ahead Amid Amidst Per Via Upon Within \
         And But Or Nor Yet So If When While Where Whereas Although Though Because Unless Whether Then Than \
         He She It They We I You His Her Its Their Our My Your Him Them Us Me This That These Those There Here \
         What Which Who Whom Whose Why How All Any Both Each Every Few Many Most Much Some Such No Not Nor Other \
         Others Another One Two Three Four Five Six Seven Eight Nine Ten First Second Third Last Next Also Only \
         Even Just Still However Meanwhile Moreover Furthermore Nevertheless Instead Earlier Later Now Today \
         Yesterday Tomorrow Tonight Recently Previously Currently Already Again Finally Thus Hence Therefore \
         Indeed Perhaps Maybe Yes Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March \
         April May June July August September October November December Jan Feb Mar Apr Jun Jul Aug Sep Sept \
         Oct Nov Dec Jan. Feb. Mar. Apr. Jun. Jul. Aug. Sep. Sept. Oct. Nov. Dec. According Speaking Noting Adding \
         Saying Asked Asked Answering Responding Commenting Referring Citing Given Unlike Like Everyone Everybody \
         Nobody Anyone Someone Something Nothing Anything Everything Analysts Officials Experts Critics Residents \
         Witnesses Sources Diplomats Observers Investors Economists Authorities Protesters Doctors Scientists \
         Lawmakers Activists Rescuers Researchers Traders Locals Medics Reporters Journalists People Police \
         Western Eastern Northern Southern Is Are Was Were Be Been Has Have Had Do Does Did Will Would Shall Should \
         Can Could May Might Must Let Lets Please Thank Thanks Mr Dr Ms Mrs Should Not Never Always Often Sometimes \
         Once Twice Several Various Numerous Breaking Update Editing Reporting Writing Additional \
         EST EDT GMT UTC CET CEST PST PDT BST MSK CST CDT IST JST KST Updated Read More Photo Video Live Opinion Analysis Editorial Exclusive Watch Advertisement")
});

/// Lower-case particles inside names (von der Leyen, bin Salman, al-Sisi, da Silva).
pub static PARTICLES: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set("von van der den de del della dela delos los di da dos das du bin ibn bint al el le la ben abu ter zu")
});

/// Lower-case words that may join the words of an organisation or place name ("League of Arab States").
pub static CONNECTORS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| set("of for on and the de"));

/// Direction words that begin place names, never person names.
pub static DIRECTIONS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set("North South East West Central Upper Lower New Northern Southern Eastern Western Greater Inner Outer")
});

/// Speech verbs that introduce or follow a quote.
pub static CUE_VERBS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set("said says say told tells tell added adds stressed stresses noted notes elaborated warned warns insisted \
         insists explained explains stated states declared declares announced announces emphasized emphasised \
         emphasizes emphasises underlined underlines underscored underscores remarked wrote writes tweeted posted \
         commented replied responded continued asserted asserts argued argues claimed claims acknowledged \
         admitted confirmed confirms recalled concluded urged observed reiterated reiterates complained suggested \
         predicted cautioned vowed answered mentioned highlighted affirmed assured believes believed \
         maintained contended countered conceded announced disclosed revealed estimated clarified specified \
         summed asked asks wondered exclaimed joked quipped shouted reported reports")
});

/// Speech verbs that take a clause without "that" ("Putin said the talks were useful").
pub static SAY_VERBS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| set("said says say told tells tell"));

/// Participles that carry on a speaker's words ("adding that", "noting that").
pub static CUE_PARTICIPLES: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set("adding noting stressing saying warning insisting explaining emphasizing emphasising stating underlining \
         arguing claiming recalling asserting pointing suggesting reiterating acknowledging admitting")
});

/// Words before a quoted phrase that make it a name or a scare quote rather than speech.
pub static NAMING_WORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set("so-called called dubbed titled entitled headlined named nicknamed codenamed code-named slogan term terms \
         word words phrase label labelled labeled motto banner hashtag operation")
});

/// Determiners before a quoted noun phrase ("the "two-state solution"").
pub static DETERMINERS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| set("the a an its their his her our this that these those 's ’s"));

/// Nouns for people who are told something ("told reporters").
pub static LISTENERS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set("reporters journalists lawmakers parliament parliamentarians legislators deputies senators media press \
         audience crowd supporters students guests guest delegates participants viewers listeners readers \
         correspondents investors officials diplomats counterpart counterparts him her them me us")
});

/// Words skipped between a speech verb and its clause ("said here on Sunday that").
pub static ADVERBIALS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set("here there also today yesterday tonight earlier later again recently previously separately then once \
         repeatedly publicly privately firmly flatly bluntly Monday Tuesday Wednesday Thursday Friday Saturday \
         Sunday last this week month year morning evening night afternoon on Thursday")
});

/// Prepositions that open an adverbial phrase after a speech verb ("said in a statement that").
pub static PREPOSITIONS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set("in on at during after before ahead with via through from following to for by over amid under while when \
         late early")
});

/// Words skipped between a speaker and the speech verb ("Fidan also said", "Kishida has said").
pub static AUXILIARIES: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set("also has have had later then further once again previously earlier recently repeatedly reportedly \
         separately meanwhile however has had is was would will could only already still even publicly")
});
