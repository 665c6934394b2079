//! mqtt-deck-sim: a simulated smart home over MQTT for trying MQTT Deck's device panel. It
//! announces Home Assistant discovery and a Zigbee2MQTT device list, publishes telemetry every
//! interval, obeys commands, and marks everything offline when it stops (or dies: last will).

mod discovery;
mod home;

use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rumqttc::{AsyncClient, Event, EventLoop, LastWill, MqttOptions, Outgoing, Packet, QoS};
use tokio::signal::unix::{signal, SignalKind};

use home::{Home, Msg, Topics};

const USAGE: &str = "\
usage: mqtt-deck-sim [options]
  --host HOST         broker host          (env DECK_SIM_HOST, default 127.0.0.1)
  --port PORT         broker MQTT port     (env DECK_SIM_PORT, default 18870)
  --prefix PREFIX     Home Assistant discovery prefix (env DECK_SIM_PREFIX, default homeassistant)
  --z2m-base BASE     Zigbee2MQTT base topic          (env DECK_SIM_Z2M_BASE, default zigbee2mqtt)
  --base BASE         the simulator's own topics      (env DECK_SIM_BASE, default decksim)
  --interval-ms MS    telemetry interval   (env DECK_SIM_INTERVAL_MS, default 3000)";

struct Args {
    host: String,
    port: u16,
    prefix: String,
    z2m_base: String,
    base: String,
    interval_ms: u64,
}

fn parse_args() -> Result<Args, String> {
    let env = |k: &str, d: &str| {
        std::env::var(k)
            .ok()
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| d.to_string())
    };
    let mut host = env("DECK_SIM_HOST", "127.0.0.1");
    let mut port = env("DECK_SIM_PORT", "18870");
    let mut prefix = env("DECK_SIM_PREFIX", "homeassistant");
    let mut z2m_base = env("DECK_SIM_Z2M_BASE", "zigbee2mqtt");
    let mut base = env("DECK_SIM_BASE", "decksim");
    let mut interval = env("DECK_SIM_INTERVAL_MS", "3000");
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let slot = match flag.as_str() {
            "--host" => &mut host,
            "--port" => &mut port,
            "--prefix" => &mut prefix,
            "--z2m-base" => &mut z2m_base,
            "--base" => &mut base,
            "--interval-ms" => &mut interval,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown option {other}")),
        };
        *slot = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
    }
    let port = port.parse().map_err(|_| format!("bad port {port:?}"))?;
    let interval_ms = interval
        .parse::<u64>()
        .ok()
        .filter(|ms| *ms >= 100)
        .ok_or_else(|| format!("bad interval {interval:?} (at least 100 ms)"))?;
    for (name, v) in [("prefix", &prefix), ("z2m-base", &z2m_base), ("base", &base)] {
        if v.is_empty() || v.contains(['+', '#']) {
            return Err(format!("--{name} must be a topic without wildcards"));
        }
    }
    Ok(Args {
        host,
        port,
        prefix,
        z2m_base,
        base,
        interval_ms,
    })
}

async fn send(client: &AsyncClient, msgs: Vec<Msg>) {
    for m in msgs {
        if let Err(e) = client
            .publish(m.topic.clone(), QoS::AtLeastOnce, m.retain, m.payload)
            .await
        {
            eprintln!("publish to {} failed: {e}", m.topic);
        }
    }
}

/// Announces everything again: the broker may have restarted and lost retained messages.
async fn on_connect(client: &AsyncClient, home: &mut Home, prefix: &str) {
    let t = home.topics().clone();
    for filter in t.command_filters() {
        if let Err(e) = client.subscribe(filter.clone(), QoS::AtLeastOnce).await {
            eprintln!("subscribe {filter} failed: {e}");
        }
    }
    let mut msgs = discovery::home_assistant(prefix, &t);
    msgs.push(discovery::zigbee2mqtt(&t));
    msgs.push(Msg::retained(t.status.clone(), "online"));
    msgs.push(Msg::retained(
        format!("{}/bridge/state", t.z2m_base),
        r#"{"state":"online"}"#,
    ));
    msgs.extend(home.all_states());
    send(client, msgs).await;
}

/// Says offline on purpose (the last will covers crashes), then disconnects cleanly.
async fn shut_down(client: &AsyncClient, eventloop: &mut EventLoop, t: &Topics) {
    send(
        client,
        vec![
            Msg::retained(t.status.clone(), "offline"),
            Msg::retained(format!("{}/bridge/state", t.z2m_base), r#"{"state":"offline"}"#),
        ],
    )
    .await;
    let _ = client.disconnect().await;
    let flushed = tokio::time::timeout(Duration::from_secs(3), async {
        loop {
            match eventloop.poll().await {
                Ok(Event::Outgoing(Outgoing::Disconnect)) | Err(_) => break,
                Ok(_) => {}
            }
        }
    })
    .await;
    if flushed.is_err() {
        eprintln!("the broker did not take the offline messages in time");
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("mqtt-deck-sim: {e}");
            }
            eprintln!("{USAGE}");
            return if e.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            };
        }
    };
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(42);
    let topics = Topics::new(&args.base, &args.z2m_base);
    let mut home = Home::new(topics.clone(), seed);

    let mut opts = MqttOptions::new(
        format!("mqtt-deck-sim-{}", seed % 1_000_000),
        &args.host,
        args.port,
    );
    opts.set_keep_alive(Duration::from_secs(15));
    opts.set_max_packet_size(256 * 1024, 256 * 1024);
    opts.set_last_will(LastWill::new(&topics.status, "offline", QoS::AtLeastOnce, true));
    // Enough room for everything announced on connect, which is queued before the loop runs again.
    let (client, mut eventloop) = AsyncClient::new(opts, 256);

    let (mut sigint, mut sigterm) = match (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) {
        (Ok(i), Ok(t)) => (i, t),
        _ => {
            eprintln!("mqtt-deck-sim: cannot listen for signals");
            return ExitCode::FAILURE;
        }
    };
    let mut tick = tokio::time::interval(Duration::from_millis(args.interval_ms));
    tick.tick().await;
    let mut connected = false;
    println!(
        "mqtt-deck-sim: broker {}:{}, discovery under {}/, Zigbee2MQTT under {}/, own topics under {}/",
        args.host, args.port, args.prefix, args.z2m_base, args.base
    );
    loop {
        tokio::select! {
            event = eventloop.poll() => match event {
                Ok(Event::Incoming(Packet::ConnAck(_))) => {
                    println!("connected; announcing devices");
                    connected = true;
                    on_connect(&client, &mut home, &args.prefix).await;
                }
                Ok(Event::Incoming(Packet::Publish(p))) => {
                    let payload = String::from_utf8_lossy(&p.payload);
                    if let Some((log, msgs)) = home.command(&p.topic, &payload) {
                        println!("command {log}");
                        send(&client, msgs).await;
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    if connected {
                        eprintln!("connection lost: {e}; retrying");
                    } else {
                        eprintln!("cannot connect to {}:{}: {e}; retrying", args.host, args.port);
                    }
                    connected = false;
                    // Waits before retrying, but still answers a stop request at once.
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                        _ = sigint.recv() => break,
                        _ = sigterm.recv() => break,
                    }
                }
            },
            _ = tick.tick() => {
                if connected {
                    let msgs = home.tick();
                    send(&client, msgs).await;
                }
            }
            _ = sigint.recv() => break,
            _ = sigterm.recv() => break,
        }
    }
    println!("stopping: marking devices offline");
    if connected {
        shut_down(&client, &mut eventloop, &topics).await;
    }
    ExitCode::SUCCESS
}
