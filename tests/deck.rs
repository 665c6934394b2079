//! Several connections at once: slots added, switched and closed; each keeps its own form and
//! status; the list's names stay unique; saved connections and their colours are shared and
//! survive the stored record; the list's rate.

use mqtt_deck::model::app::{Action, AppState, View};
use mqtt_deck::model::deck::{reduce_deck, Deck, DeckAction, SlotState, TotalRate};
use mqtt_deck::model::profiles::{Colour, Profiles};
use mqtt_deck::model::settings::ConnectionSettings;
use mqtt_deck::mqtt::Version;

fn state(url: &str) -> AppState {
    AppState::new(
        ConnectionSettings {
            url: url.into(),
            ..ConnectionSettings::default()
        },
        None,
    )
}

fn connected(id: &str) -> Action {
    Action::Connected {
        client_id: id.into(),
        version: Version::V5,
    }
}

fn names(d: &Deck) -> Vec<String> {
    d.summaries().into_iter().map(|s| s.name).collect()
}

#[test]
fn a_new_user_has_one_slot_and_the_list_closed() {
    let d = Deck::new(1, state("ws://127.0.0.1:9001"));
    assert_eq!(d.slots().len(), 1);
    assert!(!d.list_open, "at the default settings the page is today's app");
    let rows = d.summaries();
    assert_eq!(rows[0].name, "127.0.0.1:9001");
    assert_eq!(rows[0].state, SlotState::Idle);
    assert!(rows[0].active);
}

#[test]
fn each_slot_keeps_its_own_status_and_form_and_the_shown_one_follows_switches() {
    let d = Deck::new(1, state("ws://home:9001"));
    let d = reduce_deck(&d, DeckAction::In(1, connected("deck-home")));
    let d = reduce_deck(
        &d,
        DeckAction::Add {
            id: 2,
            state: Box::new(state("ws://lab:9001")),
        },
    );
    assert_eq!(d.active(), 2, "a new connection is shown at once");
    assert!(d.list_open, "and the list shows both");
    assert_eq!(d.state().settings.url, "ws://lab:9001");
    // The hidden slot's events still land on it, not on the shown one.
    let d = reduce_deck(
        &d,
        DeckAction::In(
            1,
            Action::Disconnected {
                reason: Some("refused".into()),
                reconnect_at_ms: None,
            },
        ),
    );
    let d = reduce_deck(&d, DeckAction::In(2, Action::Connecting));
    let states: Vec<_> = d.summaries().iter().map(|s| s.state).collect();
    assert_eq!(states, [SlotState::Failed, SlotState::Connecting]);
    assert_eq!(d.state().status.text(), "Connecting…");
    let d = reduce_deck(&d, DeckAction::In(2, connected("deck-lab")));
    let d = reduce_deck(
        &d,
        DeckAction::In(
            2,
            Action::Disconnected {
                reason: Some("lost".into()),
                reconnect_at_ms: Some(5),
            },
        ),
    );
    assert_eq!(d.summaries()[1].state, SlotState::Reconnecting);
    // The user is on the Panel screen; switching keeps the screen and shows the other form.
    let d = reduce_deck(&d, DeckAction::In(2, Action::Show(View::Panel)));
    let d = reduce_deck(&d, DeckAction::Switch(1));
    assert_eq!(d.active(), 1);
    assert_eq!(d.state().settings.url, "ws://home:9001");
    assert_eq!(d.state().view, View::Panel);
    assert!(d.summaries()[0].active && !d.summaries()[1].active);
    // An unknown slot changes nothing.
    assert_eq!(reduce_deck(&d, DeckAction::Switch(9)), d);
    assert_eq!(reduce_deck(&d, DeckAction::In(9, Action::Connecting)), d);
}

#[test]
fn closing_shows_a_neighbour_and_the_last_slot_stays() {
    let mut d = Deck::new(1, state("ws://a:1"));
    for id in 2..=3 {
        d = reduce_deck(
            &d,
            DeckAction::Add {
                id,
                state: Box::new(state(&format!("ws://s{id}:1"))),
            },
        );
    }
    let d = reduce_deck(&d, DeckAction::Switch(2));
    let d = reduce_deck(&d, DeckAction::Close(2));
    assert_eq!(d.slots().iter().map(|s| s.id).collect::<Vec<_>>(), [1, 3]);
    assert_eq!(d.active(), 3, "the next one is shown");
    let d = reduce_deck(&d, DeckAction::Close(3));
    assert_eq!(d.active(), 1);
    let d = reduce_deck(&d, DeckAction::Close(1));
    assert_eq!(d.slots().len(), 1, "the last connection cannot be closed");
    let d = reduce_deck(&d, DeckAction::ToggleList);
    assert!(
        !d.list_open,
        "the list was open since the second slot; toggled closed"
    );
}

#[test]
fn list_names_are_saved_names_or_hosts_and_never_repeat() {
    let d = Deck::new(1, state("ws://broker.example:9001/mqtt"));
    let d = reduce_deck(
        &d,
        DeckAction::Add {
            id: 2,
            state: Box::new(state("ws://broker.example:9001")),
        },
    );
    let d = reduce_deck(
        &d,
        DeckAction::Add {
            id: 3,
            state: Box::new(state("wss://user@other.example/mqtt")),
        },
    );
    assert_eq!(
        names(&d),
        ["broker.example:9001", "broker.example:9001 (2)", "other.example"]
    );
    // A slot showing a saved connection is named after it.
    let d = reduce_deck(&d, DeckAction::In(3, Action::ProfileName("Home".into())));
    let d = reduce_deck(
        &d,
        DeckAction::In(
            3,
            Action::SaveProfile {
                name: "Home".into(),
                subscriptions: vec![],
                now_ms: 1.0,
            },
        ),
    );
    assert_eq!(names(&d)[2], "Home");
}

#[test]
fn saved_connections_and_their_colours_are_shared_by_every_slot() {
    let d = Deck::new(1, state("ws://home:9001"));
    let d = reduce_deck(
        &d,
        DeckAction::Add {
            id: 2,
            state: Box::new(state("ws://lab:9001")),
        },
    );
    let d = reduce_deck(&d, DeckAction::In(2, Action::ProfileColour(Some(Colour::Teal))));
    let d = reduce_deck(
        &d,
        DeckAction::In(
            2,
            Action::SaveProfile {
                name: "Lab".into(),
                subscriptions: vec![],
                now_ms: 1.0,
            },
        ),
    );
    assert_eq!(d.colour(), Some(Colour::Teal), "the status bar's accent");
    assert_eq!(d.summaries()[1].colour, Some(Colour::Teal));
    assert_eq!(d.summaries()[0].colour, None);
    // Slot 1 sees "Lab" among its saved connections and opens it with its colour.
    let d = reduce_deck(&d, DeckAction::Switch(1));
    assert!(d.state().profiles.get("Lab").is_some());
    let d = reduce_deck(
        &d,
        DeckAction::In(
            1,
            Action::OpenProfile {
                name: "Lab".into(),
                now_ms: 2.0,
            },
        ),
    );
    assert_eq!(d.state().profile_colour, Some(Colour::Teal));
    assert_eq!(names(&d), ["Lab", "Lab (2)"]);
    // A slot added later gets the deck's list, whatever it was made with.
    let d = reduce_deck(
        &d,
        DeckAction::Add {
            id: 3,
            state: Box::new(state("ws://x:1")),
        },
    );
    assert!(d.state().profiles.get("Lab").is_some());
}

#[test]
fn a_colour_survives_the_stored_record_and_old_records_have_none() {
    let mut p = Profiles::default();
    p.save("Home", &ConnectionSettings::default(), vec![], 1.0)
        .unwrap();
    assert!(p.set_colour("Home", Some(Colour::Orange)));
    assert!(!p.set_colour("Nowhere", Some(Colour::Red)));
    // Saving again (new settings) keeps the colour; a duplicate takes it along.
    p.save("Home", &ConnectionSettings::default(), vec![], 2.0)
        .unwrap();
    assert_eq!(p.duplicate("Home", 3.0).unwrap(), "Home (copy)");
    let (back, problem) = Profiles::from_saved(&p.to_saved());
    assert_eq!(problem, None);
    assert_eq!(back.get("Home").unwrap().colour, Some(Colour::Orange));
    assert_eq!(back.get("Home (copy)").unwrap().colour, Some(Colour::Orange));
    // A record from before colours, or with a colour this version does not know.
    let old = r#"{"format":1,"profiles":[{"name":"Old","settings":{"url":"ws://a:1"}},
        {"name":"New","settings":{"url":"ws://b:1"},"colour":"ultraviolet"}]}"#;
    let (back, problem) = Profiles::from_saved(old);
    assert_eq!(problem, None);
    assert_eq!(back.get("Old").unwrap().colour, None);
    assert_eq!(back.get("New").unwrap().colour, None);
}

#[test]
fn the_list_rate_is_messages_since_the_last_sample_per_second() {
    let mut r = TotalRate::default();
    assert_eq!(r.sample(1_000.0, 10), 0.0, "one sample is no rate yet");
    assert_eq!(r.sample(2_000.0, 40), 30.0);
    assert_eq!(r.sample(2_500.0, 45), 10.0);
    assert_eq!(
        r.sample(2_500.0, 50),
        10.0,
        "no time passed: the last rate stands"
    );
    assert_eq!(
        r.sample(2_510.0, 55),
        10.0,
        "nor after 10 ms: too short a span to measure"
    );
    assert_eq!(
        r.sample(3_500.0, 45),
        0.0,
        "a total that fell (a cleared store) is no negative rate"
    );
    assert_eq!(r.sample(100.0, 60), 0.0, "a clock that went back starts over");
    assert_eq!(r.sample(1_100.0, 62), 2.0);
}

#[test]
fn a_saved_connection_opened_alongside_never_shares_a_client_id() {
    let mut home = ConnectionSettings {
        url: "ws://home:9001".into(),
        client_id: "kitchen".into(),
        ..ConnectionSettings::default()
    };
    let d = Deck::new(1, AppState::new(home.clone(), None));
    let d = reduce_deck(
        &d,
        DeckAction::In(
            1,
            Action::SaveProfile {
                name: "Home".into(),
                subscriptions: vec![],
                now_ms: 1.0,
            },
        ),
    );
    let open = |d: &Deck, id| {
        reduce_deck(
            d,
            DeckAction::AddSaved {
                id,
                state: Box::new(state("ws://x:1")),
                name: "Home".into(),
                now_ms: 2.0,
                spare_client_id: format!("spare-{id}"),
            },
        )
    };
    // Slot 1 uses "kitchen" already: the second Home takes the spare, or the two would take
    // the broker's session from each other forever.
    let d2 = open(&d, 2);
    assert_eq!(d2.active(), 2);
    assert_eq!(d2.state().profile.as_deref(), Some("Home"));
    assert_eq!(d2.state().settings.url, "ws://home:9001");
    assert_eq!(d2.state().settings.client_id, "spare-2");
    // When no other slot uses the saved ID, it is kept.
    home.client_id = "other".into();
    let d = reduce_deck(&d, DeckAction::In(1, Action::EditSettings(Box::new(home))));
    assert_eq!(open(&d, 2).state().settings.client_id, "kitchen");
}
