//! The abbreviated configuration keys Home Assistant MQTT discovery documents may use, from its docs.
//!
//! Only the keys the discovery reader looks at are here: a document is expanded to be read,
//! never shown, so the other documented abbreviations (about 190 of them) would only cost bytes.
//! A key the reader starts to read needs its abbreviation added from Home Assistant's list.

#[rustfmt::skip]
/// Abbreviations of the configuration keys the reader uses (Home Assistant's MQTT integration docs).
pub(super) const ABBREVIATIONS: &[(&str, &str)] = &[
    ("avty", "availability"), ("avty_mode", "availability_mode"), ("avty_t", "availability_topic"),
    ("avty_tpl", "availability_template"), ("bri_cmd_t", "brightness_command_topic"),
    ("bri_cmd_tpl", "brightness_command_template"), ("bri_scl", "brightness_scale"),
    ("bri_stat_t", "brightness_state_topic"), ("bri_val_tpl", "brightness_value_template"),
    ("cmd_t", "command_topic"), ("cmd_tpl", "command_template"), ("cmps", "components"),
    ("curr_temp_t", "current_temperature_topic"), ("curr_temp_tpl", "current_temperature_template"),
    ("dev", "device"), ("dev_cla", "device_class"), ("e", "encoding"),
    ("mode_cmd_tpl", "mode_command_template"), ("mode_cmd_t", "mode_command_topic"),
    ("mode_stat_tpl", "mode_state_template"), ("mode_stat_t", "mode_state_topic"), ("o", "origin"),
    ("ops", "options"), ("p", "platform"), ("pl", "payload"), ("pl_avail", "payload_available"),
    ("pl_cls", "payload_close"), ("pl_not_avail", "payload_not_available"), ("pl_off", "payload_off"),
    ("pl_on", "payload_on"), ("pl_open", "payload_open"), ("pl_prs", "payload_press"),
    ("pl_stop", "payload_stop"), ("pos_clsd", "position_closed"), ("pos_open", "position_open"),
    ("ret", "retain"), ("set_pos_tpl", "set_position_template"), ("set_pos_t", "set_position_topic"),
    ("pos_t", "position_topic"), ("pos_tpl", "position_template"), ("stat_clsd", "state_closed"),
    ("stat_closing", "state_closing"), ("stat_off", "state_off"), ("stat_on", "state_on"),
    ("stat_open", "state_open"), ("stat_opening", "state_opening"), ("stat_stopped", "state_stopped"),
    ("stat_t", "state_topic"), ("stat_val_tpl", "state_value_template"),
    ("sup_clrm", "supported_color_modes"), ("temp_cmd_tpl", "temperature_command_template"),
    ("temp_cmd_t", "temperature_command_topic"), ("temp_stat_tpl", "temperature_state_template"),
    ("temp_stat_t", "temperature_state_topic"), ("temp_unit", "temperature_unit"), ("t", "topic"),
    ("unit_of_meas", "unit_of_measurement"), ("val_tpl", "value_template"),
];

#[rustfmt::skip]
pub(super) const DEVICE_ABBREVIATIONS: &[(&str, &str)] = &[
    ("cns", "connections"), ("ids", "identifiers"), ("mf", "manufacturer"), ("mdl", "model"),
];
