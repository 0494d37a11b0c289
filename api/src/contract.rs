//! What the OpenAPI document says beyond what each route declares: the version, the server, a
//! description for every response, the public operations' (empty) security, and the links from
//! each create operation to the operations that take the new id — declared once, here, so a
//! stateful client can walk need → claim → completion → verification → balance and merchant →
//! review → offer → redemption → use.

use std::collections::BTreeMap;

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::info::LicenseBuilder;
use utoipa::openapi::link::LinkBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::openapi::request_body::RequestBody;
use utoipa::openapi::response::Response;
use utoipa::openapi::schema::{
    AdditionalProperties, ArrayItems, KnownFormat, ObjectBuilder, Schema, SchemaFormat, SchemaType,
    Type,
};
use utoipa::openapi::server::Server;
use utoipa::openapi::{OpenApi, RefOr, Required};

/// The id a create operation answers with, as a runtime expression.
const NEW_ID: &str = "$response.body#/id";
/// The id in the request path (an operation on an existing object).
const PATH_ID: &str = "$request.path.id";

/// (operation, status, [(link name, target operation, [(parameter, expression)])])
type Links = &'static [(
    &'static str,
    &'static str,
    &'static [(
        &'static str,
        &'static str,
        &'static [(&'static str, &'static str)],
    )],
)];

const LINKS: Links = &[
    (
        "create_need",
        "201",
        &[
            ("GetNeed", "get_need", &[("id", NEW_ID)]),
            ("ClaimNeed", "claim_need", &[("id", NEW_ID)]),
            ("CancelNeed", "cancel_need", &[("id", NEW_ID)]),
        ],
    ),
    (
        "claim_need",
        "201",
        &[
            ("CompleteNeed", "complete_need", &[("id", PATH_ID)]),
            ("WithdrawClaim", "withdraw_claim", &[("id", PATH_ID)]),
        ],
    ),
    (
        "complete_need",
        "201",
        &[
            ("ConfirmNeed", "confirm_need", &[("id", PATH_ID)]),
            ("RateNeed", "rate_need", &[("id", PATH_ID)]),
            (
                "VerifyServiceRecord",
                "verify_service_record",
                &[("id", "$response.body#/service_record/id")],
            ),
        ],
    ),
    (
        "verify_service_record",
        "200",
        &[("GetBalance", "get_balance", &[])],
    ),
    (
        "create_service_record",
        "201",
        &[(
            "VerifyServiceRecord",
            "verify_service_record",
            &[("id", NEW_ID)],
        )],
    ),
    (
        "apply_merchant",
        "201",
        &[
            ("GetMerchant", "get_merchant", &[("id", NEW_ID)]),
            ("ReviewMerchant", "review_merchant", &[("id", NEW_ID)]),
            (
                "BindMerchantStaff",
                "bind_merchant_staff",
                &[("id", NEW_ID)],
            ),
        ],
    ),
    (
        "review_merchant",
        "200",
        &[
            ("FileMerchant", "file_merchant", &[("id", PATH_ID)]),
            ("EvaluateMerchant", "evaluate_merchant", &[("id", PATH_ID)]),
            ("ExitMerchant", "exit_merchant", &[("id", PATH_ID)]),
        ],
    ),
    (
        "create_offer",
        "201",
        &[
            ("GetOffer", "get_offer", &[("id", NEW_ID)]),
            ("ReviewOffer", "review_offer", &[("id", NEW_ID)]),
            (
                "ChangeOfferStatus",
                "change_offer_status",
                &[("id", NEW_ID)],
            ),
        ],
    ),
    (
        "review_offer",
        "200",
        &[("RedeemOffer", "redeem_offer", &[("id", PATH_ID)])],
    ),
    (
        "redeem_offer",
        "201",
        &[
            ("CancelVoucher", "cancel_voucher", &[("id", NEW_ID)]),
            ("RateVoucher", "rate_voucher", &[("id", NEW_ID)]),
        ],
    ),
    (
        "create_project",
        "201",
        &[
            ("GetProject", "get_project", &[("id", NEW_ID)]),
            (
                "ChangeProjectStatus",
                "change_project_status",
                &[("id", NEW_ID)],
            ),
            ("AddProjectParent", "add_project_parent", &[("id", NEW_ID)]),
            ("ClaimProject", "claim_project", &[("id", NEW_ID)]),
            ("CreateSession", "create_session", &[("id", NEW_ID)]),
        ],
    ),
    (
        "create_session",
        "201",
        &[
            ("Enrol", "enrol", &[("id", NEW_ID)]),
            ("GetCheckinCode", "get_checkin_code", &[("id", NEW_ID)]),
            ("CheckIn", "check_in", &[("id", NEW_ID)]),
            (
                "RecordSessionVolunteers",
                "record_session_volunteers",
                &[("id", NEW_ID)],
            ),
        ],
    ),
    (
        "enrol",
        "201",
        &[("CancelEnrolment", "cancel_enrolment", &[("id", PATH_ID)])],
    ),
    (
        "create_training",
        "201",
        &[
            ("GetTraining", "get_training", &[("id", NEW_ID)]),
            ("RecordAttendance", "record_attendance", &[("id", NEW_ID)]),
            ("TrainingFeedback", "training_feedback", &[("id", NEW_ID)]),
        ],
    ),
    (
        "create_team",
        "201",
        &[
            ("GetTeam", "get_team", &[("id", "$response.body#/team/id")]),
            (
                "SetTeamMember",
                "set_team_member",
                &[("id", "$response.body#/team/id")],
            ),
        ],
    ),
    (
        "apply_volunteer",
        "201",
        &[
            ("GetVolunteer", "get_volunteer", &[("id", NEW_ID)]),
            ("DecideVolunteer", "decide_volunteer", &[("id", NEW_ID)]),
            ("ListPlans", "list_plans", &[("id", NEW_ID)]),
            ("CreatePlan", "create_plan", &[("id", NEW_ID)]),
            ("IssueCertificate", "issue_certificate", &[("id", NEW_ID)]),
        ],
    ),
    (
        "create_suggestion",
        "201",
        &[("RespondSuggestion", "respond_suggestion", &[("id", NEW_ID)])],
    ),
    (
        "create_partner",
        "201",
        &[("BindPartnerStaff", "bind_partner_staff", &[("id", NEW_ID)])],
    ),
    (
        "adjust_points",
        "201",
        &[(
            "ReverseTransaction",
            "reverse_transaction",
            &[("id", NEW_ID)],
        )],
    ),
];

/// Answers that may come from the read replica (see `analytics`): which database answered, and
/// how fresh its data is.
const FROM_REPLICA: &[&str] = &[
    "stats_overview",
    "stats_table",
    "stats_report",
    "export_service_records",
    "list_suggestions",
];

fn data_headers(response: &mut Response) {
    let source = ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(["primary", "replica"]));
    let as_of = ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)));
    response.headers.insert(
        "Canglong-Data-Source".into(),
        RefOr::T(
            HeaderBuilder::new()
                .schema(Some(source))
                .description(Some("The database that answered"))
                .build(),
        ),
    );
    response.headers.insert(
        "Canglong-Data-As-Of".into(),
        RefOr::T(
            HeaderBuilder::new()
                .schema(Some(as_of))
                .description(Some(
                    "The data is complete to this moment (RFC 3339, UTC): now, less the replica's lag",
                ))
                .build(),
        ),
    );
}

fn reason(status: &str) -> &'static str {
    match status {
        "200" => "OK",
        "201" => "Created",
        "202" => "Accepted",
        "204" => "No Content",
        "302" => "Found",
        _ => "Answer",
    }
}

fn operations(doc: &mut OpenApi) -> impl Iterator<Item = &mut Operation> {
    doc.paths.paths.values_mut().flat_map(|item| {
        [
            item.get.as_mut(),
            item.put.as_mut(),
            item.post.as_mut(),
            item.delete.as_mut(),
            item.patch.as_mut(),
        ]
        .into_iter()
        .flatten()
    })
}

/// A body declared `Option<T>` may be left out; it is not a nullable body (which generated
/// clients cannot express): `T`, not required.
fn optional_body(body: &mut RequestBody) {
    for content in body.content.values_mut() {
        let RefOr::T(content) = content else { continue };
        let Some(RefOr::T(Schema::OneOf(one))) = &content.schema else {
            continue;
        };
        let is_null = |s: &RefOr<Schema>| matches!(s, RefOr::T(Schema::Object(o)) if o.schema_type == SchemaType::Type(Type::Null));
        if one.items.len() == 2 && one.items.iter().any(is_null) {
            content.schema = one.items.iter().find(|s| !is_null(s)).cloned();
            body.required = Some(Required::False);
        }
    }
}

/// Rules the extractors enforce on parameters by name, said where each parameter appears.
fn parameter_rules(p: &mut Parameter) {
    let Some(RefOr::T(Schema::Object(o))) = &mut p.schema else {
        return;
    };
    match (&p.parameter_in, p.name.as_str()) {
        (ParameterIn::Query, "limit") => {
            o.minimum = Some(1.into());
            o.maximum = Some(canglong_core::MAX_PAGE_SIZE.into());
        }
        (ParameterIn::Query, "cursor") => {
            o.pattern = Some(canglong_core::Cursor::PATTERN.to_string());
        }
        (ParameterIn::Header, "Idempotency-Key") => {
            o.min_length = Some(1);
            o.max_length = Some(crate::extract::IDEMPOTENCY_KEY_MAX);
            o.pattern = Some(crate::extract::IDEMPOTENCY_KEY_PATTERN.to_string());
        }
        _ => {}
    }
}

/// An enum variant carrying data is an object with its tag as the only key (serde's external
/// tagging, which refuses any other key): say so.
fn closed_variants(doc: &mut OpenApi) {
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    for schema in components.schemas.values_mut() {
        let RefOr::T(Schema::OneOf(one)) = schema else {
            continue;
        };
        for item in one.items.iter_mut() {
            if let RefOr::T(Schema::Object(o)) = item
                && o.properties.len() == 1
                && o.required.len() == 1
                && o.properties.contains_key(&o.required[0])
            {
                o.additional_properties = Some(Box::new(AdditionalProperties::FreeForm(false)));
            }
        }
    }
}

/// Every string a request may carry (in a body, at any depth, or a query parameter) holds no
/// control character: the parser refuses one everywhere, and the document says so with
/// [`crate::extract::TEXT_PATTERN`] on each free-text string (ids, times and closed lists have
/// their own format); a body's text is not spaces alone either
/// ([`crate::extract::BODY_TEXT_PATTERN`]).
fn text_rule(doc: &mut OpenApi) {
    let mut refs = Vec::new();
    for op in operations(doc) {
        if let Some(RefOr::T(body)) = &mut op.request_body {
            for content in body.content.values_mut() {
                if let RefOr::T(content) = content
                    && let Some(schema) = &mut content.schema
                {
                    plain_text(schema, BODY, &mut refs);
                }
            }
        }
        for p in op.parameters.iter_mut().flatten() {
            if let RefOr::T(p) = p
                && p.parameter_in == ParameterIn::Query
                && let Some(schema) = &mut p.schema
            {
                plain_text(schema, crate::extract::TEXT_PATTERN, &mut refs);
            }
        }
    }
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    let mut done = std::collections::BTreeSet::new();
    while let Some(name) = refs.pop() {
        if done.insert(name.clone())
            && let Some(schema) = components.schemas.get_mut(&name)
        {
            plain_text(schema, BODY, &mut refs);
        }
    }
}

const BODY: &str = crate::extract::BODY_TEXT_PATTERN;

fn plain_text(schema: &mut RefOr<Schema>, pattern: &str, refs: &mut Vec<String>) {
    let each = |items: &mut Vec<RefOr<Schema>>, refs: &mut Vec<String>| {
        items.iter_mut().for_each(|s| plain_text(s, pattern, refs))
    };
    match schema {
        RefOr::Ref(r) => refs.push(
            r.ref_location
                .trim_start_matches("#/components/schemas/")
                .to_string(),
        ),
        RefOr::T(Schema::Object(o)) => {
            let text = match &o.schema_type {
                SchemaType::Type(t) => *t == Type::String,
                SchemaType::Array(ts) => ts.contains(&Type::String),
                SchemaType::AnyValue => false,
            };
            if text && o.enum_values.is_none() && o.format.is_none() && o.pattern.is_none() {
                o.pattern = Some(pattern.to_string());
            }
            o.properties
                .values_mut()
                .for_each(|p| plain_text(p, pattern, refs));
        }
        RefOr::T(Schema::Array(a)) => {
            if let ArrayItems::RefOrSchema(item) = &mut a.items {
                plain_text(item, pattern, refs);
            }
        }
        RefOr::T(Schema::OneOf(x)) => each(&mut x.items, refs),
        RefOr::T(Schema::AllOf(x)) => each(&mut x.items, refs),
        RefOr::T(Schema::AnyOf(x)) => each(&mut x.items, refs),
        RefOr::T(_) => {}
    }
}

/// Completes the document as every route is served.
pub fn finish(doc: &mut OpenApi) {
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    doc.info.license = Some(
        LicenseBuilder::new()
            .name("MIT OR Apache-2.0")
            .identifier(Some("MIT OR Apache-2.0"))
            .build(),
    );
    doc.servers = Some(vec![Server::new("/")]);
    closed_variants(doc);
    text_rule(doc);
    let links: BTreeMap<&str, _> = LINKS.iter().map(|(op, st, l)| (*op, (*st, *l))).collect();
    for op in operations(doc) {
        // A public operation says so: no security requirement at all.
        op.security.get_or_insert_with(Vec::new);
        if let Some(RefOr::T(body)) = &mut op.request_body {
            optional_body(body);
        }
        for p in op.parameters.iter_mut().flatten() {
            if let RefOr::T(p) = p {
                parameter_rules(p);
            }
        }
        let id = op.operation_id.clone().unwrap_or_default();
        for (status, response) in op.responses.responses.iter_mut() {
            let RefOr::T(response) = response else {
                continue;
            };
            if response.description.is_empty() {
                response.description = reason(status).to_string();
            }
            if status == "200" && FROM_REPLICA.contains(&id.as_str()) {
                data_headers(response);
            }
            let Some((link_status, list)) = links.get(id.as_str()) else {
                continue;
            };
            if link_status != status {
                continue;
            }
            for (name, target, params) in *list {
                let mut link = LinkBuilder::new().operation_id(*target);
                for (p, expr) in *params {
                    link = link.parameter(*p, *expr);
                }
                response
                    .links
                    .insert(name.to_string(), RefOr::T(link.build()));
            }
        }
    }
}

/// The document and the validators say the same limits: for every request body, each field is
/// tried at and just past every bound the schema declares (and far past where it declares none),
/// through the server's own parser and validator.
#[cfg(test)]
mod tests {
    use serde::de::DeserializeOwned;
    use serde_json::{Value, json};
    use validator::Validate;

    fn accepts<T: DeserializeOwned + Validate>(body: &Value) -> bool {
        crate::extract::parse::<T>(body.to_string().as_bytes()).is_ok_and(|v| v.validate().is_ok())
    }

    macro_rules! bodies {
        ($($t:ident),* $(,)?) => {
            vec![$((stringify!($t), accepts::<canglong_openapi::$t> as fn(&Value) -> bool)),*]
        };
    }

    /// A request body's name in the document, and whether the server's parser accepts a value.
    type Check = (&'static str, fn(&Value) -> bool);

    fn registry() -> Vec<Check> {
        bodies![
            NewTopic,
            ScreeningRequest,
            ResolutionRequest,
            ObjectionRequest,
            ObjectionReply,
            ProgressRequest,
            TopicEvaluationRequest,
            HidingRequest,
            TopicThreshold,
            NewMeeting,
            MeetingRoll,
            MinutesRequest,
            NewPoll,
            BallotRequest,
            PaperTallyRequest,
            NewConvention,
            NewAmendment,
            AmendmentDecision,
            ConventionReview,
            ConventionFiling,
            AdjustmentRequest,
            AgreementRequest,
            BallotReview,
            AttendanceRequest,
            BindingRequest,
            CampaignBallotRequest,
            CampaignTask,
            CareGapSettings,
            CancellationRequest,
            CheckinRequest,
            ClientCredentials,
            ConsentRequest,
            CompletionRequest,
            Decision,
            EnrolmentRequest,
            EntryReview,
            EvaluationRequest,
            ExitRequest,
            LogoutRequest,
            MeUpdate,
            Membership,
            MerchantApplication,
            NewAssociation,
            NewAssociationSession,
            NewBuilding,
            NewCampaign,
            NewChild,
            NewEntry,
            NewHead,
            NewMediation,
            NewMediationSession,
            NewMember,
            NewNeed,
            NewOffer,
            NewOutreach,
            NewPartner,
            NewPlace,
            NewPlaceService,
            NewPlan,
            NewProject,
            NewRelative,
            NewResident,
            NewRoom,
            NewServiceRecord,
            NewSession,
            NewSkill,
            NewSuggestion,
            NewTeam,
            NewTraining,
            NewVisit,
            OfferStatusChange,
            PairingRequest,
            ParentMember,
            PasswordLogin,
            PlanNoteRequest,
            PledgeRequest,
            PointsRules,
            ProjectStatusChange,
            RatingRequest,
            RefreshRequest,
            RelativeDecision,
            RollRequest,
            ReversalRequest,
            SessionVolunteers,
            StaffBinding,
            SubscriptionGrant,
            SuggestionResponse,
            TrainingFeedback,
            VerificationRequest,
            VolunteerApplication,
            VoucherRating,
            VoucherUse,
            WechatLogin,
        ]
    }

    fn resolve<'a>(doc: &'a Value, mut s: &'a Value) -> &'a Value {
        while let Some(r) = s.get("$ref").and_then(Value::as_str) {
            let name = r.rsplit('/').next().unwrap_or_default();
            s = &doc["components"]["schemas"][name];
        }
        // `T` with a description is `allOf: [T]`; `Option<T>` is `oneOf: [null, T]`.
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(items) = s.get(key).and_then(Value::as_array)
                && let Some(first) = items.iter().find(|i| i["type"] != "null")
            {
                return resolve(doc, first);
            }
        }
        s
    }

    fn kind(s: &Value) -> &str {
        match &s["type"] {
            Value::String(t) => t,
            Value::Array(ts) => ts
                .iter()
                .filter_map(Value::as_str)
                .find(|t| *t != "null")
                .unwrap_or(""),
            _ => "",
        }
    }

    fn bound(s: &Value, key: &str) -> Option<i64> {
        s.get(key).and_then(Value::as_i64)
    }

    /// A value the schema accepts, as small as the schema allows.
    fn sample(doc: &Value, s: &Value) -> Value {
        let s = resolve(doc, s);
        if let Some(first) = s.get("enum").and_then(|e| e.get(0)) {
            return first.clone();
        }
        match kind(s) {
            "object" => {
                let mut out = serde_json::Map::new();
                for name in s["required"].as_array().into_iter().flatten() {
                    let name = name.as_str().unwrap_or_default();
                    out.insert(name.into(), sample(doc, &s["properties"][name]));
                }
                Value::Object(out)
            }
            "array" => {
                let n = bound(s, "minItems").unwrap_or(0) as usize;
                Value::Array(vec![sample(doc, &s["items"]); n])
            }
            "string" => match s["format"].as_str() {
                Some("uuid") => json!("00000000-0000-7000-8000-000000000000"),
                Some("date-time") => json!("2030-01-01T00:00:00Z"),
                Some("date") => json!("2030-01-01"),
                _ => json!("a".repeat(bound(s, "minLength").unwrap_or(1).max(1) as usize)),
            },
            "integer" | "number" => json!(bound(s, "minimum").unwrap_or(0)),
            "boolean" => json!(false),
            _ => Value::Null,
        }
    }

    /// (value, must it be accepted) for one field of schema `s`.
    fn probes(doc: &Value, s: &Value) -> Vec<(Value, bool)> {
        let s = resolve(doc, s);
        if s.get("enum").is_some() {
            return vec![];
        }
        let mut out = vec![];
        match kind(s) {
            "string" if s.get("format").is_none() => {
                let text = |n: i64| json!("a".repeat(n as usize));
                match bound(s, "maxLength") {
                    Some(max) => out.extend([(text(max), true), (text(max + 1), false)]),
                    None => out.push((text(3000), true)),
                }
                if let Some(min) = bound(s, "minLength").filter(|m| *m > 0) {
                    out.extend([(text(min), true), (text(min - 1), false)]);
                }
            }
            "integer" => {
                match bound(s, "maximum") {
                    Some(max) => out.extend([(json!(max), true), (json!(max + 1), false)]),
                    None if s["format"] == "int32" => out.push((json!(i32::MAX), true)),
                    None => out.push((json!(i64::from(i32::MAX) * 1000), true)),
                }
                match bound(s, "minimum") {
                    Some(min) => out.extend([(json!(min), true), (json!(min - 1), false)]),
                    None if s["format"] == "int32" => out.push((json!(i32::MIN), true)),
                    None => out.push((json!(-i64::from(i32::MAX) * 1000), true)),
                }
            }
            "array" => {
                let item = sample(doc, &s["items"]);
                let items = |n: i64| Value::Array(vec![item.clone(); n as usize]);
                if let Some(max) = bound(s, "maxItems") {
                    out.extend([(items(max), true), (items(max + 1), false)]);
                }
                if let Some(min) = bound(s, "minItems").filter(|m| *m > 0) {
                    out.extend([(items(min), true), (items(min - 1), false)]);
                }
            }
            _ => {}
        }
        out
    }

    /// Tries every bound of every field of the object schema `s` inside `base` at `path`.
    fn walk(
        doc: &Value,
        s: &Value,
        base: &Value,
        path: &[String],
        accepts: fn(&Value) -> bool,
        failures: &mut Vec<String>,
    ) {
        let s = resolve(doc, s);
        for (name, field) in s["properties"].as_object().into_iter().flatten() {
            let mut at = path.to_vec();
            at.push(name.clone());
            for (value, expected) in probes(doc, field) {
                let mut body = base.clone();
                set(&mut body, &at, value.clone());
                if accepts(&body) != expected {
                    let shown = value.to_string();
                    failures.push(format!(
                        "{}: {} ({} chars) should be {}",
                        at.join("."),
                        &shown[..shown.len().min(40)],
                        shown.len(),
                        if expected { "accepted" } else { "refused" }
                    ));
                }
            }
            let field = resolve(doc, field);
            if kind(field) == "object" {
                let mut inner = base.clone();
                set(&mut inner, &at, sample(doc, field));
                walk(doc, field, &inner, &at, accepts, failures);
            }
        }
    }

    fn set(body: &mut Value, path: &[String], value: Value) {
        let mut v = body;
        for (i, key) in path.iter().enumerate() {
            if i + 1 == path.len() {
                v[key.as_str()] = value;
                return;
            }
            if v[key.as_str()].is_null() {
                v[key.as_str()] = json!({});
            }
            v = &mut v[key.as_str()];
        }
    }

    #[test]
    fn every_request_body_says_the_limits_the_validator_enforces() {
        let doc = serde_json::to_value(crate::server::openapi_document()).unwrap();
        let mut bodies = std::collections::BTreeSet::new();
        for item in doc["paths"].as_object().unwrap().values() {
            for op in item.as_object().unwrap().values() {
                if let Some(r) =
                    op["requestBody"]["content"]["application/json"]["schema"]["$ref"].as_str()
                {
                    bodies.insert(r.rsplit('/').next().unwrap().to_string());
                }
            }
        }
        let registry = registry();
        let known: std::collections::BTreeSet<String> =
            registry.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(bodies, known, "every request body is in the registry");
        let mut failures = vec![];
        for (name, accepts) in registry {
            let schema = &doc["components"]["schemas"][name];
            let base = sample(&doc, schema);
            assert!(
                accepts(&base),
                "{name}: the smallest valid body {base} is refused"
            );
            let mut found = vec![];
            walk(&doc, schema, &base, &[], accepts, &mut found);
            failures.extend(found.into_iter().map(|f| format!("{name}.{f}")));
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
