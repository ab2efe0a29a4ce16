//! Throughput of the analyzer on generated wire-style articles of about 3 KB, on one core.
//!
//! Usage: cargo run --release -p analyzer --example bench [ARTICLES]

use std::time::Instant;

const PEOPLE: &[(&str, &str, &str)] = &[
    ("Russian", "Foreign Minister", "Sergei Volkov"),
    ("German", "Chancellor", "Dieter Hahn"),
    ("Japanese", "Prime Minister", "Kenji Morita"),
    ("Egyptian", "President", "Abdel Karim al-Masri"),
    ("French", "Defence Minister", "Claire Dubois"),
    ("Turkish", "Trade Minister", "Emre Kaya"),
];
const PLACES: &[&str] = &[
    "Moscow", "Berlin", "Tokyo", "Cairo", "Paris", "Ankara", "Geneva", "Vienna",
];

fn article(i: usize) -> (String, &'static str) {
    let (dem, title, name) = PEOPLE[i % PEOPLE.len()];
    let (_, _, other) = PEOPLE[(i + 1) % PEOPLE.len()];
    let last = name.rsplit(' ').next().unwrap_or(name);
    let other_last = other.rsplit(' ').next().unwrap_or(other);
    let place = PLACES[i % PLACES.len()];
    let agency = ["TASS", "Reuters", "AP", "Xinhua"][i % 4];
    let mut b = format!(
        "{}, March {}. /{agency}/. {dem} {title} {name} said on Tuesday that the talks in {place} with {other} had been useful and that both sides would meet again before the summer.\n\n",
        place.to_uppercase(),
        1 + i % 28
    );
    b.push_str(&format!(
        "\"We have agreed on a road map for the next stage, and we expect the working groups to report back within a month,\" {last} told a news conference after the meeting with the International Atomic Energy Agency (IAEA) delegation.\n\n"
    ));
    b.push_str(&format!(
        "According to the minister, the so-called \"grain deal\" remains on the table. {other_last}, for his part, described the atmosphere as frank. \"There are still differences, but they can be bridged,\" he said, \"provided that nobody sets new conditions.\"\n\n"
    ));
    b.push_str(&format!(
        "{last} noted that the European Union and the United Nations had been kept informed. In his view, the sanctions \"do not help anyone and only hurt ordinary people in {place} and elsewhere.\"\n\n"
    ));
    b.push_str("Earlier, the Foreign Ministry said in a statement that consultations at the level of deputy ministers would continue in Geneva. \"The door to dialogue remains open,\" the ministry said.\n\n");
    b.push_str(&format!(
        "The IAEA said its experts would visit the Zaporozhye nuclear power plant next week. Analysts say the meeting in {place} could pave the way for a broader agreement on energy supplies to Europe, Asia and Africa.\n\n"
    ));
    b.push_str(&format!(
        "\"Nobody should expect miracles. But a step forward is a step forward, and we intend to keep walking,\" {name} said. He added that a new round of talks with {other} could take place in Istanbul or Doha, depending on the schedule of both delegations and the progress of the expert groups."
    ));
    // A second half with other people, so articles are about 3 KB like a typical wire story.
    let (dem2, title2, name2) = PEOPLE[(i + 2) % PEOPLE.len()];
    let last2 = name2.rsplit(' ').next().unwrap_or(name2);
    b.push_str(&format!(
        "\n\nMeanwhile, {dem2} {title2} {name2} told reporters in {place} that the government would present its own proposals on the grain deal by the end of the month. \"We are not going to wait for others to decide for us,\" {last2} said.\n\n"
    ));
    b.push_str(
        "The World Trade Organization (WTO) said in a report that trade volumes between the European Union and Asia fell by four percent last year. \"The outlook is fragile,\" the organization said, adding that \"a recovery depends on lower energy prices and on the end of the conflict.\"\n\n",
    );
    b.push_str(&format!(
        "{last2} also said that the two ministries had set up a joint working group. According to {last2}, the group will meet in {place} every two months and report to the heads of state. \"This is a practical step, not a symbolic one,\" the minister stressed. {last} and {last2} are expected to meet again in Brussels on the sidelines of the NATO summit in July."
    ));
    b.push_str(&format!(
        "\n\nThe Kremlin declined to comment on the report. Energy traders in {place} said prices for delivery next month had risen by two percent after the announcement, while shares of state-owned exporters gained ahead of the talks. {other_last} is due to travel to Beijing and New Delhi later this month for consultations on the same issues, his office said."
    ));
    (b, agency)
}

/// Nanoseconds this thread has run on a CPU (Linux), so a busy machine does not skew the figure.
fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000);
    let docs: Vec<(String, &str)> = (0..64).map(article).collect();
    let avg = docs.iter().map(|d| d.0.len()).sum::<usize>() / docs.len();
    // Warm up: loads the gazetteer.
    let _ = analyzer::analyze_text(&docs[0].0, Some(docs[0].1));
    let t = Instant::now();
    let cpu0 = cpu_ns();
    let mut quotes = 0;
    let mut entities = 0;
    for i in 0..n {
        let (body, agency) = &docs[i % docs.len()];
        let a = analyzer::analyze_text(body, Some(agency));
        quotes += a.quotes.len();
        entities += a.entities.len();
    }
    let wall = t.elapsed().as_secs_f64();
    let secs = match (cpu0, cpu_ns()) {
        (Some(a), Some(b)) if b > a => (b - a) as f64 / 1e9,
        _ => wall,
    };
    println!("wall {wall:.2} s, on-CPU {secs:.2} s");
    println!(
        "{n} articles of {avg} bytes on average in {secs:.2} s: {:.0} articles/s on one core ({:.1} MB/s); {:.1} quotes and {:.1} entities per article",
        n as f64 / secs,
        (n * avg) as f64 / secs / 1e6,
        quotes as f64 / n as f64,
        entities as f64 / n as f64
    );
}
