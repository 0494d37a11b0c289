//! A typed client for every endpoint, as the mini-program calls them.

use canglong_openapi::*;
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

/// A refused request: the status and, when the server sent one, its problem.
#[derive(Debug, Clone)]
pub struct ApiFailure {
    pub status: StatusCode,
    pub problem: Option<Problem>,
    pub headers: reqwest::header::HeaderMap,
}

impl ApiFailure {
    /// The problem's stable `code`, or "" when there was none.
    pub fn code(&self) -> &str {
        self.problem.as_ref().map(|p| p.code.as_str()).unwrap_or("")
    }
}

impl std::fmt::Display for ApiFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {:?}", self.status, self.problem)
    }
}

pub type ApiResult<T> = Result<T, ApiFailure>;

#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    token: Option<String>,
}

impl Client {
    /// A client of the server at `base` (e.g. `http://127.0.0.1:8080`).
    pub fn new(base: &str) -> Self {
        // Idle connections are dropped before the server's keep-alive (75 s) ends them.
        let http = reqwest::Client::builder()
            .pool_idle_timeout(std::time::Duration::from_secs(30))
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        Self {
            http,
            base: base.trim_end_matches('/').to_string(),
            token: None,
        }
    }

    /// The same client acting with an access token.
    pub fn with_token(&self, token: &str) -> Self {
        Self {
            token: Some(token.to_string()),
            ..self.clone()
        }
    }

    /// The same person, speaking to another server (another process behind the same address).
    pub fn on(&self, base: &str) -> Self {
        Self {
            base: base.trim_end_matches('/').to_string(),
            ..self.clone()
        }
    }

    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// A request builder for anything the typed methods do not cover.
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let mut r = self.http.request(method, format!("{}{}", self.base, path));
        if let Some(t) = &self.token {
            r = r.bearer_auth(t);
        }
        r
    }

    async fn send<T: DeserializeOwned>(&self, r: reqwest::RequestBuilder) -> ApiResult<T> {
        let res = r.send().await.map_err(|e| ApiFailure {
            status: StatusCode::SERVICE_UNAVAILABLE,
            problem: Some(Problem {
                type_: "about:blank".into(),
                title: "unreachable".into(),
                status: 503,
                detail: e.to_string(),
                code: "client_unreachable".into(),
                errors: vec![],
            }),
            headers: Default::default(),
        })?;
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.bytes().await.unwrap_or_default();
        if status.is_success() {
            let body = if bytes.is_empty() {
                b"null".as_slice()
            } else {
                &bytes
            };
            serde_json::from_slice(body).map_err(|e| ApiFailure {
                status,
                problem: Some(Problem {
                    type_: "about:blank".into(),
                    title: "unreadable response".into(),
                    status: status.as_u16(),
                    detail: format!("{e}: {}", String::from_utf8_lossy(&bytes)),
                    code: "client_unreadable".into(),
                    errors: vec![],
                }),
                headers,
            })
        } else {
            Err(ApiFailure {
                status,
                problem: serde_json::from_slice(&bytes).ok(),
                headers,
            })
        }
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> ApiResult<T> {
        self.send(self.request(Method::GET, path)).await
    }

    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        key: Option<&str>,
    ) -> ApiResult<T> {
        let mut r = self.request(Method::POST, path).json(body);
        if let Some(k) = key {
            r = r.header("Idempotency-Key", k);
        }
        self.send(r).await
    }

    async fn post_empty<T: DeserializeOwned>(&self, path: &str, key: Option<&str>) -> ApiResult<T> {
        let mut r = self.request(Method::POST, path);
        if let Some(k) = key {
            r = r.header("Idempotency-Key", k);
        }
        self.send(r).await
    }

    // System

    pub async fn healthz(&self) -> ApiResult<Health> {
        self.get("/healthz").await
    }
    pub async fn readyz(&self) -> ApiResult<Health> {
        self.get("/readyz").await
    }

    // Auth

    pub async fn sign_in_wechat(&self, code: &str, community_id: Uuid) -> ApiResult<TokenResponse> {
        self.post(
            "/api/v1/auth/wechat",
            &WechatLogin {
                code: code.into(),
                community_id,
                accept_policy: None,
            },
            None,
        )
        .await
    }
    pub async fn sign_in_password(
        &self,
        username: &str,
        password: &str,
    ) -> ApiResult<TokenResponse> {
        let body = PasswordLogin {
            username: username.into(),
            password: password.into(),
            accept_policy: None,
        };
        self.post("/api/v1/auth/login", &body, None).await
    }
    pub async fn refresh(&self, refresh_token: &str) -> ApiResult<TokenResponse> {
        self.post(
            "/api/v1/auth/refresh",
            &RefreshRequest {
                refresh_token: refresh_token.into(),
            },
            None,
        )
        .await
    }
    pub async fn sign_out(&self, refresh_token: Option<&str>) -> ApiResult<()> {
        let body = LogoutRequest {
            refresh_token: refresh_token.map(str::to_string),
        };
        self.post("/api/v1/auth/logout", &body, None).await
    }

    // Me

    pub async fn me(&self) -> ApiResult<Me> {
        self.get("/api/v1/me").await
    }
    pub async fn update_me(&self, update: &MeUpdate) -> ApiResult<Me> {
        self.send(self.request(Method::PATCH, "/api/v1/me").json(update))
            .await
    }
    /// Erase the account (PIPL): personal data gone, the ledger whole.
    pub async fn erase_me(&self) -> ApiResult<()> {
        self.send(self.request(Method::DELETE, "/api/v1/me")).await
    }
    /// Everything held about the caller.
    pub async fn export_me(&self) -> ApiResult<PersonalData> {
        self.get("/api/v1/me/export").await
    }
    /// Accept the privacy policy version shown.
    pub async fn accept_policy(&self, version: &str) -> ApiResult<PolicyStatus> {
        let body = ConsentRequest {
            policy_version: version.into(),
        };
        self.post("/api/v1/me/consent", &body, None).await
    }

    // Needs

    pub async fn create_need(&self, need: &NewNeed) -> ApiResult<Need> {
        self.post("/api/v1/needs", need, None).await
    }
    /// Post a need with an Idempotency-Key: a retry answers the first post again.
    pub async fn create_need_once(&self, need: &NewNeed, key: &str) -> ApiResult<Need> {
        self.post("/api/v1/needs", need, Some(key)).await
    }
    pub async fn list_needs(&self, q: &NeedQuery) -> ApiResult<NeedPage> {
        self.send(self.request(Method::GET, "/api/v1/needs").query(q))
            .await
    }
    pub async fn recommended_needs(&self) -> ApiResult<RecommendationList> {
        self.get("/api/v1/needs/recommended").await
    }
    pub async fn get_need(&self, id: Uuid) -> ApiResult<NeedDetail> {
        self.get(&format!("/api/v1/needs/{id}")).await
    }
    pub async fn claim_need(&self, id: Uuid, key: Option<&str>) -> ApiResult<Claim> {
        self.post_empty(&format!("/api/v1/needs/{id}/claims"), Some(&once(key)))
            .await
    }
    pub async fn withdraw_claim(&self, id: Uuid) -> ApiResult<Need> {
        self.send(self.request(Method::DELETE, &format!("/api/v1/needs/{id}/claims/mine")))
            .await
    }
    pub async fn complete_need(
        &self,
        id: Uuid,
        body: &CompletionRequest,
        key: Option<&str>,
    ) -> ApiResult<CompletionResult> {
        self.post(
            &format!("/api/v1/needs/{id}/completion"),
            body,
            Some(&once(key)),
        )
        .await
    }
    pub async fn confirm_need(&self, id: Uuid) -> ApiResult<Need> {
        self.post_empty(&format!("/api/v1/needs/{id}/confirmation"), None)
            .await
    }
    pub async fn cancel_need(&self, id: Uuid, reason: &str) -> ApiResult<Need> {
        self.post(
            &format!("/api/v1/needs/{id}/cancellation"),
            &CancellationRequest {
                reason: reason.into(),
            },
            None,
        )
        .await
    }
    pub async fn rate_need(&self, id: Uuid, body: &RatingRequest) -> ApiResult<Rating> {
        self.post(&format!("/api/v1/needs/{id}/ratings"), body, None)
            .await
    }

    // Volunteers and teams

    pub async fn apply_volunteer(&self, body: &VolunteerApplication) -> ApiResult<Volunteer> {
        self.post("/api/v1/volunteers", body, None).await
    }
    pub async fn list_volunteers(&self, q: &VolunteerQuery) -> ApiResult<VolunteerPage> {
        self.send(self.request(Method::GET, "/api/v1/volunteers").query(q))
            .await
    }
    pub async fn get_volunteer(&self, id: Uuid) -> ApiResult<Volunteer> {
        self.get(&format!("/api/v1/volunteers/{id}")).await
    }
    pub async fn decide_volunteer(
        &self,
        id: Uuid,
        approve: bool,
        reason: Option<&str>,
    ) -> ApiResult<Volunteer> {
        let body = Decision {
            approve,
            reason: reason.map(str::to_string),
        };
        self.post(&format!("/api/v1/volunteers/{id}/decision"), &body, None)
            .await
    }
    pub async fn list_teams(&self) -> ApiResult<TeamList> {
        self.get("/api/v1/teams").await
    }

    // Service records

    pub async fn list_service_records(
        &self,
        q: &ServiceRecordQuery,
    ) -> ApiResult<ServiceRecordPage> {
        self.send(
            self.request(Method::GET, "/api/v1/service-records")
                .query(q),
        )
        .await
    }
    pub async fn create_service_record(&self, body: &NewServiceRecord) -> ApiResult<ServiceRecord> {
        self.post("/api/v1/service-records", body, None).await
    }
    pub async fn verify_service_record(
        &self,
        id: Uuid,
        body: &VerificationRequest,
        key: Option<&str>,
    ) -> ApiResult<VerificationResult> {
        self.post(
            &format!("/api/v1/service-records/{id}/verification"),
            body,
            Some(&once(key)),
        )
        .await
    }

    // Points

    pub async fn balance(&self, user_id: Option<Uuid>) -> ApiResult<Balance> {
        self.send(
            self.request(Method::GET, "/api/v1/points/balance")
                .query(&BalanceQuery { user_id }),
        )
        .await
    }
    pub async fn transactions(&self, q: &TransactionQuery) -> ApiResult<LedgerPage> {
        self.send(
            self.request(Method::GET, "/api/v1/points/transactions")
                .query(q),
        )
        .await
    }
    pub async fn points_rules(&self) -> ApiResult<VersionedRules> {
        self.get("/api/v1/points/rules").await
    }
    pub async fn set_points_rules(&self, rules: &PointsRules) -> ApiResult<VersionedRules> {
        self.send(
            self.request(Method::PUT, "/api/v1/points/rules")
                .json(rules),
        )
        .await
    }
    pub async fn adjust_points(
        &self,
        body: &AdjustmentRequest,
        key: Option<&str>,
    ) -> ApiResult<LedgerTransaction> {
        self.post("/api/v1/points/adjustments", body, key).await
    }
    pub async fn reverse_transaction(
        &self,
        id: Uuid,
        reason: &str,
    ) -> ApiResult<LedgerTransaction> {
        let body = ReversalRequest {
            reason: reason.into(),
        };
        self.post(
            &format!("/api/v1/points/transactions/{id}/reversal"),
            &body,
            None,
        )
        .await
    }
    pub async fn reconciliation(&self) -> ApiResult<Reconciliation> {
        self.get("/api/v1/points/reconciliation").await
    }

    // Merchant alliance

    pub async fn apply_merchant(&self, body: &MerchantApplication) -> ApiResult<Merchant> {
        self.post("/api/v1/merchants", body, None).await
    }
    pub async fn list_merchants(&self, q: &MerchantQuery) -> ApiResult<MerchantPage> {
        self.send(self.request(Method::GET, "/api/v1/merchants").query(q))
            .await
    }
    pub async fn get_merchant(&self, id: Uuid) -> ApiResult<MerchantDetail> {
        self.get(&format!("/api/v1/merchants/{id}")).await
    }
    pub async fn review_merchant(
        &self,
        id: Uuid,
        approve: bool,
        reason: Option<&str>,
    ) -> ApiResult<MerchantDetail> {
        let body = Decision {
            approve,
            reason: reason.map(str::to_string),
        };
        self.post(&format!("/api/v1/merchants/{id}/review"), &body, None)
            .await
    }
    pub async fn file_merchant(
        &self,
        id: Uuid,
        approve: bool,
        reason: Option<&str>,
    ) -> ApiResult<MerchantDetail> {
        let body = Decision {
            approve,
            reason: reason.map(str::to_string),
        };
        self.post(&format!("/api/v1/merchants/{id}/filing"), &body, None)
            .await
    }
    pub async fn bind_merchant_staff(&self, id: Uuid, user_id: Uuid) -> ApiResult<()> {
        self.post(
            &format!("/api/v1/merchants/{id}/staff"),
            &StaffBinding { user_id },
            None,
        )
        .await
    }
    pub async fn evaluate_merchant(
        &self,
        id: Uuid,
        body: &EvaluationRequest,
    ) -> ApiResult<Evaluation> {
        self.post(&format!("/api/v1/merchants/{id}/evaluations"), body, None)
            .await
    }
    pub async fn exit_merchant(&self, id: Uuid, reason: &str) -> ApiResult<MerchantDetail> {
        self.post(
            &format!("/api/v1/merchants/{id}/exit"),
            &ExitRequest {
                reason: reason.into(),
            },
            None,
        )
        .await
    }
    pub async fn create_offer(&self, body: &NewOffer) -> ApiResult<Offer> {
        self.post("/api/v1/offers", body, None).await
    }
    pub async fn list_offers(&self, q: &OfferQuery) -> ApiResult<OfferPage> {
        self.send(self.request(Method::GET, "/api/v1/offers").query(q))
            .await
    }
    pub async fn get_offer(&self, id: Uuid) -> ApiResult<Offer> {
        self.get(&format!("/api/v1/offers/{id}")).await
    }
    pub async fn review_offer(
        &self,
        id: Uuid,
        approve: bool,
        reason: Option<&str>,
    ) -> ApiResult<Offer> {
        let body = Decision {
            approve,
            reason: reason.map(str::to_string),
        };
        self.post(&format!("/api/v1/offers/{id}/review"), &body, None)
            .await
    }
    pub async fn change_offer_status(
        &self,
        id: Uuid,
        body: &OfferStatusChange,
    ) -> ApiResult<Offer> {
        self.post(&format!("/api/v1/offers/{id}/status"), body, None)
            .await
    }
    pub async fn redeem_offer(&self, id: Uuid, key: Option<&str>) -> ApiResult<Voucher> {
        self.post_empty(
            &format!("/api/v1/offers/{id}/redemptions"),
            Some(&once(key)),
        )
        .await
    }
    pub async fn list_vouchers(&self, q: &VoucherQuery) -> ApiResult<VoucherPage> {
        self.send(self.request(Method::GET, "/api/v1/vouchers").query(q))
            .await
    }
    pub async fn cancel_voucher(&self, id: Uuid) -> ApiResult<Voucher> {
        self.post_empty(&format!("/api/v1/vouchers/{id}/cancellation"), None)
            .await
    }
    pub async fn use_voucher(&self, code: &str, key: Option<&str>) -> ApiResult<Voucher> {
        self.post(
            "/api/v1/vouchers/use",
            &VoucherUse { code: code.into() },
            Some(&once(key)),
        )
        .await
    }
    pub async fn rate_voucher(&self, id: Uuid, body: &VoucherRating) -> ApiResult<()> {
        self.post(&format!("/api/v1/vouchers/{id}/rating"), body, None)
            .await
    }

    // Volunteer organisation

    pub async fn list_skills(&self) -> ApiResult<SkillList> {
        self.get("/api/v1/skills").await
    }
    pub async fn add_skill(&self, name: &str) -> ApiResult<SkillList> {
        self.post("/api/v1/skills", &NewSkill { name: name.into() }, None)
            .await
    }
    pub async fn create_team(&self, body: &NewTeam) -> ApiResult<TeamDetail> {
        self.post("/api/v1/teams", body, None).await
    }
    pub async fn get_team(&self, id: Uuid) -> ApiResult<TeamDetail> {
        self.get(&format!("/api/v1/teams/{id}")).await
    }
    pub async fn set_team_member(&self, team: Uuid, body: &Membership) -> ApiResult<TeamDetail> {
        self.post(&format!("/api/v1/teams/{team}/members"), body, None)
            .await
    }
    pub async fn create_pairings(&self, body: &PairingRequest) -> ApiResult<PairingList> {
        self.post("/api/v1/pairings", body, None).await
    }
    pub async fn list_pairings(&self, q: &PairingQuery) -> ApiResult<PairingList> {
        self.send(self.request(Method::GET, "/api/v1/pairings").query(q))
            .await
    }
    pub async fn create_plan(&self, volunteer: Uuid, body: &NewPlan) -> ApiResult<PlanList> {
        self.post(&format!("/api/v1/volunteers/{volunteer}/plans"), body, None)
            .await
    }
    pub async fn list_plans(&self, volunteer: Uuid) -> ApiResult<PlanList> {
        self.get(&format!("/api/v1/volunteers/{volunteer}/plans"))
            .await
    }
    pub async fn add_plan_note(
        &self,
        volunteer: Uuid,
        plan: Uuid,
        body: &PlanNoteRequest,
    ) -> ApiResult<PlanList> {
        self.post(
            &format!("/api/v1/volunteers/{volunteer}/plans/{plan}/notes"),
            body,
            None,
        )
        .await
    }
    pub async fn create_training(&self, body: &NewTraining) -> ApiResult<Training> {
        self.post("/api/v1/trainings", body, None).await
    }
    pub async fn list_trainings(&self, q: &TrainingQuery) -> ApiResult<TrainingPage> {
        self.send(self.request(Method::GET, "/api/v1/trainings").query(q))
            .await
    }
    pub async fn get_training(&self, id: Uuid) -> ApiResult<Training> {
        self.get(&format!("/api/v1/trainings/{id}")).await
    }
    pub async fn record_attendance(
        &self,
        id: Uuid,
        volunteer_ids: Vec<Uuid>,
    ) -> ApiResult<AttendanceResult> {
        self.post(
            &format!("/api/v1/trainings/{id}/attendance"),
            &AttendanceRequest { volunteer_ids },
            None,
        )
        .await
    }
    pub async fn training_feedback(
        &self,
        id: Uuid,
        body: &TrainingFeedback,
    ) -> ApiResult<Training> {
        self.post(&format!("/api/v1/trainings/{id}/feedback"), body, None)
            .await
    }
    pub async fn issue_certificate(
        &self,
        volunteer: Uuid,
        q: &CertificateQuery,
    ) -> ApiResult<Certificate> {
        self.send(
            self.request(
                Method::GET,
                &format!("/api/v1/volunteers/{volunteer}/certificate"),
            )
            .query(q),
        )
        .await
    }
    pub async fn check_certificate(&self, code: &str) -> ApiResult<CertificateCheck> {
        self.get(&format!("/api/v1/certificates/{code}")).await
    }
    /// The service ledger as CSV bytes (UTF-8 with BOM).
    pub async fn export_service_records(&self, q: &ServiceRecordQuery) -> ApiResult<Vec<u8>> {
        let r = self
            .request(Method::GET, "/api/v1/service-records/export")
            .query(q)
            .query(&[("format", "csv")])
            .send()
            .await
            .map_err(|_| ApiFailure {
                status: StatusCode::SERVICE_UNAVAILABLE,
                problem: None,
                headers: Default::default(),
            })?;
        let status = r.status();
        let headers = r.headers().clone();
        let bytes = r.bytes().await.unwrap_or_default();
        if status.is_success() {
            Ok(bytes.to_vec())
        } else {
            Err(ApiFailure {
                status,
                problem: serde_json::from_slice(&bytes).ok(),
                headers,
            })
        }
    }

    // Projects and activities

    pub async fn list_children(&self) -> ApiResult<ChildList> {
        self.get("/api/v1/me/children").await
    }
    pub async fn add_child(&self, body: &NewChild) -> ApiResult<ChildList> {
        self.post("/api/v1/me/children", body, None).await
    }
    pub async fn list_rooms(&self) -> ApiResult<RoomList> {
        self.get("/api/v1/rooms").await
    }
    pub async fn create_room(&self, body: &NewRoom) -> ApiResult<Room> {
        self.post("/api/v1/rooms", body, None).await
    }
    pub async fn create_partner(&self, body: &NewPartner) -> ApiResult<Partner> {
        self.post("/api/v1/partners", body, None).await
    }
    pub async fn bind_partner_staff(&self, partner: Uuid, user_id: Uuid) -> ApiResult<()> {
        self.post(
            &format!("/api/v1/partners/{partner}/staff"),
            &StaffBinding { user_id },
            None,
        )
        .await
    }
    pub async fn daily_visits(&self, q: &VisitsQuery) -> ApiResult<VisitList> {
        self.send(self.request(Method::GET, "/api/v1/visits").query(q))
            .await
    }
    pub async fn create_project(&self, body: &NewProject) -> ApiResult<Project> {
        self.post("/api/v1/projects", body, None).await
    }
    pub async fn list_projects(&self, q: &ProjectQuery) -> ApiResult<ProjectPage> {
        self.send(self.request(Method::GET, "/api/v1/projects").query(q))
            .await
    }
    pub async fn get_project(&self, id: Uuid) -> ApiResult<Project> {
        self.get(&format!("/api/v1/projects/{id}")).await
    }
    pub async fn change_project_status(
        &self,
        id: Uuid,
        status: ProjectStatus,
    ) -> ApiResult<Project> {
        self.post(
            &format!("/api/v1/projects/{id}/status"),
            &ProjectStatusChange { status },
            None,
        )
        .await
    }
    pub async fn add_project_parent(&self, id: Uuid, user_id: Uuid) -> ApiResult<Project> {
        self.post(
            &format!("/api/v1/projects/{id}/parents"),
            &ParentMember { user_id },
            None,
        )
        .await
    }
    pub async fn claim_project(&self, id: Uuid) -> ApiResult<Project> {
        self.post_empty(&format!("/api/v1/projects/{id}/claims"), None)
            .await
    }
    pub async fn create_session(&self, project: Uuid, body: &NewSession) -> ApiResult<Session> {
        self.post(&format!("/api/v1/projects/{project}/sessions"), body, None)
            .await
    }
    pub async fn list_sessions(&self, q: &SessionQuery) -> ApiResult<SessionList> {
        self.send(self.request(Method::GET, "/api/v1/sessions").query(q))
            .await
    }
    pub async fn enrol(&self, session: Uuid, child_ids: Vec<Uuid>) -> ApiResult<Enrolment> {
        self.post(
            &format!("/api/v1/sessions/{session}/enrolments"),
            &EnrolmentRequest { child_ids },
            None,
        )
        .await
    }
    pub async fn cancel_enrolment(&self, session: Uuid) -> ApiResult<Enrolment> {
        self.send(self.request(
            Method::DELETE,
            &format!("/api/v1/sessions/{session}/enrolments/mine"),
        ))
        .await
    }
    pub async fn checkin_code(&self, session: Uuid) -> ApiResult<CheckinCode> {
        self.get(&format!("/api/v1/sessions/{session}/checkin-code"))
            .await
    }
    pub async fn check_in(&self, session: Uuid, code: &str) -> ApiResult<Checkin> {
        self.post(
            &format!("/api/v1/sessions/{session}/checkins"),
            &CheckinRequest { code: code.into() },
            None,
        )
        .await
    }
    pub async fn record_session_volunteers(
        &self,
        session: Uuid,
        volunteer_ids: Vec<Uuid>,
    ) -> ApiResult<Vec<ServiceRecord>> {
        self.post(
            &format!("/api/v1/sessions/{session}/volunteers"),
            &SessionVolunteers { volunteer_ids },
            None,
        )
        .await
    }
    pub async fn redeem_seat(
        &self,
        offer: Uuid,
        child_ids: Vec<Uuid>,
        key: &str,
    ) -> ApiResult<Voucher> {
        self.post(
            &format!("/api/v1/offers/{offer}/redemptions"),
            &EnrolmentRequest { child_ids },
            Some(key),
        )
        .await
    }
    pub async fn notifications(&self) -> ApiResult<NotificationPage> {
        self.get("/api/v1/notifications").await
    }
    pub async fn read_notification(&self, id: Uuid) -> ApiResult<()> {
        self.post_empty(&format!("/api/v1/notifications/{id}/read"), None)
            .await
    }

    // Feedback, subscriptions, analysis, integrators

    pub async fn create_suggestion(&self, body: &NewSuggestion) -> ApiResult<Suggestion> {
        self.post("/api/v1/suggestions", body, None).await
    }
    pub async fn list_suggestions(&self, query: &str) -> ApiResult<SuggestionPage> {
        self.get(&format!("/api/v1/suggestions?{query}")).await
    }
    pub async fn respond_suggestion(
        &self,
        id: Uuid,
        body: &SuggestionResponse,
    ) -> ApiResult<Suggestion> {
        self.post(&format!("/api/v1/suggestions/{id}/response"), body, None)
            .await
    }
    pub async fn subscribe(&self, kinds: &[&str]) -> ApiResult<Subscriptions> {
        let body = SubscriptionGrant {
            kinds: kinds.iter().map(|k| k.to_string()).collect(),
        };
        self.post("/api/v1/me/subscriptions", &body, None).await
    }
    pub async fn outbox(&self, query: &str) -> ApiResult<OutboxPage> {
        self.get(&format!("/api/v1/outbox?{query}")).await
    }
    pub async fn stats_overview(&self, query: &str) -> ApiResult<Overview> {
        self.get(&format!("/api/v1/stats/overview?{query}")).await
    }
    pub async fn stats_table(&self, table: &str, query: &str) -> ApiResult<StatsTable> {
        self.get(&format!("/api/v1/stats/{table}?{query}")).await
    }
    /// A CSV file as text (status checked).
    pub async fn csv(&self, path_and_query: &str) -> ApiResult<String> {
        let res = self
            .request(Method::GET, path_and_query)
            .send()
            .await
            .map_err(|_| ApiFailure {
                status: StatusCode::SERVICE_UNAVAILABLE,
                problem: None,
                headers: Default::default(),
            })?;
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.bytes().await.unwrap_or_default();
        if !status.is_success() {
            return Err(ApiFailure {
                status,
                problem: serde_json::from_slice(&bytes).ok(),
                headers,
            });
        }
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
    pub async fn client_token(&self, client_id: Uuid, secret: &str) -> ApiResult<ClientToken> {
        let body = ClientCredentials {
            grant_type: "client_credentials".into(),
            client_id,
            client_secret: secret.into(),
        };
        self.post("/api/v1/auth/token", &body, None).await
    }

    // The people

    pub async fn create_building(&self, body: &NewBuilding) -> ApiResult<Building> {
        self.post("/api/v1/buildings", body, None).await
    }
    pub async fn list_buildings(&self, q: &PageQuery) -> ApiResult<BuildingPage> {
        self.send(self.request(Method::GET, "/api/v1/buildings").query(q))
            .await
    }
    pub async fn add_building_head(&self, building: Uuid, body: &NewHead) -> ApiResult<Building> {
        self.post(&format!("/api/v1/buildings/{building}/heads"), body, None)
            .await
    }
    pub async fn register_resident(&self, body: &NewResident) -> ApiResult<Resident> {
        self.post("/api/v1/residents", body, None).await
    }
    pub async fn list_residents(&self, q: &ResidentQuery) -> ApiResult<ResidentPage> {
        self.send(self.request(Method::GET, "/api/v1/residents").query(q))
            .await
    }
    pub async fn get_resident(&self, id: Uuid) -> ApiResult<Resident> {
        self.get(&format!("/api/v1/residents/{id}")).await
    }
    pub async fn issue_binding_code(&self, resident: Uuid) -> ApiResult<BindingCode> {
        self.post_empty(&format!("/api/v1/residents/{resident}/binding-code"), None)
            .await
    }
    pub async fn bind(&self, body: &BindingRequest) -> ApiResult<BindingResult> {
        self.post("/api/v1/me/binding", body, None).await
    }
    pub async fn ask_relative(&self, body: &NewRelative) -> ApiResult<Relative> {
        self.post("/api/v1/me/relatives", body, None).await
    }
    pub async fn my_relatives(&self) -> ApiResult<RelativePage> {
        self.get("/api/v1/me/relatives").await
    }
    pub async fn decide_relative(&self, id: Uuid, confirm: bool) -> ApiResult<Relative> {
        self.post(
            &format!("/api/v1/relatives/{id}/confirmation"),
            &RelativeDecision { confirm },
            None,
        )
        .await
    }
    pub async fn resident_care(&self, id: Uuid) -> ApiResult<Care> {
        self.get(&format!("/api/v1/residents/{id}/care")).await
    }
    pub async fn care_gaps(&self, q: &CareGapQuery) -> ApiResult<CareGapPage> {
        self.send(self.request(Method::GET, "/api/v1/care-gaps").query(q))
            .await
    }
    pub async fn set_care_gap_days(&self, days: i32) -> ApiResult<CareGapSettings> {
        self.send(
            self.request(Method::PUT, "/api/v1/care-gaps/settings")
                .json(&CareGapSettings { days }),
        )
        .await
    }
    pub async fn record_outreach(&self, body: &NewOutreach) -> ApiResult<Outreach> {
        self.post("/api/v1/outreach", body, None).await
    }
    pub async fn list_outreach(&self, q: &BuildingScopedQuery) -> ApiResult<OutreachPage> {
        self.send(self.request(Method::GET, "/api/v1/outreach").query(q))
            .await
    }
    pub async fn open_mediation(&self, body: &NewMediation) -> ApiResult<Mediation> {
        self.post("/api/v1/mediations", body, None).await
    }
    pub async fn list_mediations(&self) -> ApiResult<MediationPage> {
        self.get("/api/v1/mediations").await
    }
    pub async fn get_mediation(&self, id: Uuid) -> ApiResult<Mediation> {
        self.get(&format!("/api/v1/mediations/{id}")).await
    }
    pub async fn mediation_session(
        &self,
        id: Uuid,
        body: &NewMediationSession,
    ) -> ApiResult<Mediation> {
        self.post(&format!("/api/v1/mediations/{id}/sessions"), body, None)
            .await
    }
    pub async fn mediation_agreement(
        &self,
        id: Uuid,
        body: &AgreementRequest,
    ) -> ApiResult<Mediation> {
        self.post(&format!("/api/v1/mediations/{id}/agreement"), body, None)
            .await
    }
    pub async fn work_queue(&self, q: &PageQuery) -> ApiResult<QueuePage> {
        self.send(self.request(Method::GET, "/api/v1/queue").query(q))
            .await
    }

    // Campaigns (文明线).
    pub async fn create_campaign(&self, body: &NewCampaign) -> ApiResult<Campaign> {
        self.post("/api/v1/campaigns", body, None).await
    }
    pub async fn list_campaigns(&self) -> ApiResult<CampaignList> {
        self.get("/api/v1/campaigns").await
    }
    pub async fn get_campaign(&self, id: Uuid) -> ApiResult<Campaign> {
        self.get(&format!("/api/v1/campaigns/{id}")).await
    }
    pub async fn campaign_signup(&self, id: Uuid) -> ApiResult<Campaign> {
        self.post(&format!("/api/v1/campaigns/{id}/signups"), &(), None)
            .await
    }
    pub async fn campaign_pledge(&self, id: Uuid, text: &str) -> ApiResult<Campaign> {
        let body = PledgeRequest { text: text.into() };
        self.post(&format!("/api/v1/campaigns/{id}/pledges"), &body, None)
            .await
    }
    pub async fn campaign_task(&self, id: Uuid, body: &CampaignTask) -> ApiResult<Campaign> {
        self.post(&format!("/api/v1/campaigns/{id}/tasks"), body, None)
            .await
    }
    pub async fn submit_entry(&self, id: Uuid, body: &NewEntry) -> ApiResult<Entry> {
        self.post(&format!("/api/v1/campaigns/{id}/entries"), body, None)
            .await
    }
    pub async fn review_entry(&self, entry: Uuid, body: &EntryReview) -> ApiResult<Entry> {
        self.post(&format!("/api/v1/entries/{entry}/review"), body, None)
            .await
    }
    pub async fn campaign_ballot(&self, id: Uuid, entries: &[Uuid]) -> ApiResult<CampaignBallot> {
        let body = CampaignBallotRequest {
            entry_ids: entries.to_vec(),
        };
        self.post(&format!("/api/v1/campaigns/{id}/ballots"), &body, None)
            .await
    }
    pub async fn review_campaign_ballot(
        &self,
        ballot: Uuid,
        body: &BallotReview,
    ) -> ApiResult<CampaignBallot> {
        self.post(
            &format!("/api/v1/campaign-ballots/{ballot}/review"),
            body,
            None,
        )
        .await
    }
    pub async fn publish_campaign(&self, id: Uuid) -> ApiResult<Campaign> {
        self.post(&format!("/api/v1/campaigns/{id}/publication"), &(), None)
            .await
    }
    pub async fn campaign_results(&self, id: Uuid) -> ApiResult<CampaignResults> {
        self.get(&format!("/api/v1/campaigns/{id}/results")).await
    }
    pub async fn campaign_gallery(&self, id: Uuid) -> ApiResult<Gallery> {
        self.get(&format!("/api/v1/campaigns/{id}/gallery")).await
    }

    // Places and visits (空间赋能).
    pub async fn create_place(&self, body: &NewPlace) -> ApiResult<Place> {
        self.post("/api/v1/places", body, None).await
    }
    pub async fn list_places(&self) -> ApiResult<PlaceList> {
        self.get("/api/v1/places").await
    }
    pub async fn add_place_service(&self, place: Uuid, body: &NewPlaceService) -> ApiResult<Place> {
        self.post(&format!("/api/v1/places/{place}/services"), body, None)
            .await
    }
    pub async fn record_visit(&self, body: &NewVisit) -> ApiResult<Visit> {
        self.post("/api/v1/visits", body, None).await
    }

    // Associations (社团线).
    pub async fn create_association(&self, body: &NewAssociation) -> ApiResult<Association> {
        self.post("/api/v1/associations", body, None).await
    }
    pub async fn list_associations(&self) -> ApiResult<AssociationList> {
        self.get("/api/v1/associations").await
    }
    pub async fn get_association(&self, id: Uuid) -> ApiResult<Association> {
        self.get(&format!("/api/v1/associations/{id}")).await
    }
    pub async fn add_association_member(
        &self,
        id: Uuid,
        body: &NewMember,
    ) -> ApiResult<Association> {
        self.post(&format!("/api/v1/associations/{id}/members"), body, None)
            .await
    }
    pub async fn schedule_association_session(
        &self,
        id: Uuid,
        body: &NewAssociationSession,
    ) -> ApiResult<AssociationSessionList> {
        self.post(&format!("/api/v1/associations/{id}/sessions"), body, None)
            .await
    }
    pub async fn association_session_code(&self, session: Uuid) -> ApiResult<CheckinCode> {
        self.get(&format!(
            "/api/v1/association-sessions/{session}/checkin-code"
        ))
        .await
    }
    pub async fn association_attendance(
        &self,
        session: Uuid,
        body: &RollRequest,
    ) -> ApiResult<Attendance> {
        self.post(
            &format!("/api/v1/association-sessions/{session}/attendance"),
            body,
            None,
        )
        .await
    }

    // Self-governance (自治线): topics, meetings, polls, the convention.
    pub async fn raise_topic(&self, body: &NewTopic) -> ApiResult<TopicDetail> {
        self.post("/api/v1/topics", body, None).await
    }
    pub async fn list_topics(&self, query: &str) -> ApiResult<TopicPage> {
        self.get(&format!("/api/v1/topics{query}")).await
    }
    pub async fn get_topic(&self, id: Uuid) -> ApiResult<TopicDetail> {
        self.get(&format!("/api/v1/topics/{id}")).await
    }
    pub async fn second_topic(&self, id: Uuid) -> ApiResult<TopicDetail> {
        self.post(&format!("/api/v1/topics/{id}/seconds"), &(), None)
            .await
    }
    pub async fn screen_topic(&self, id: Uuid, body: &ScreeningRequest) -> ApiResult<TopicDetail> {
        self.post(&format!("/api/v1/topics/{id}/screening"), body, None)
            .await
    }
    pub async fn resolve_topic(
        &self,
        id: Uuid,
        body: &ResolutionRequest,
    ) -> ApiResult<TopicDetail> {
        self.post(&format!("/api/v1/topics/{id}/resolution"), body, None)
            .await
    }
    pub async fn object_to_topic(&self, id: Uuid, text: &str) -> ApiResult<Objection> {
        let body = ObjectionRequest { text: text.into() };
        self.post(&format!("/api/v1/topics/{id}/objections"), &body, None)
            .await
    }
    pub async fn reply_to_objection(&self, id: Uuid, reply: &str) -> ApiResult<Objection> {
        let body = ObjectionReply {
            reply: reply.into(),
        };
        self.post(&format!("/api/v1/objections/{id}/reply"), &body, None)
            .await
    }
    pub async fn topic_progress(
        &self,
        id: Uuid,
        percent: i32,
        note: &str,
    ) -> ApiResult<TopicDetail> {
        let body = ProgressRequest {
            percent,
            note: note.into(),
        };
        self.post(&format!("/api/v1/topics/{id}/progress"), &body, None)
            .await
    }
    pub async fn evaluate_topic(
        &self,
        id: Uuid,
        stars: i32,
        comment: &str,
    ) -> ApiResult<TopicDetail> {
        let body = TopicEvaluationRequest {
            stars,
            comment: comment.into(),
        };
        self.post(&format!("/api/v1/topics/{id}/evaluations"), &body, None)
            .await
    }
    pub async fn hide_topic(&self, id: Uuid, reason: &str) -> ApiResult<TopicDetail> {
        let body = HidingRequest {
            reason: reason.into(),
        };
        self.post(&format!("/api/v1/topics/{id}/hiding"), &body, None)
            .await
    }
    pub async fn topic_thresholds(&self) -> ApiResult<TopicThresholds> {
        self.get("/api/v1/topic-thresholds").await
    }
    pub async fn set_topic_threshold(
        &self,
        scope: &str,
        body: &TopicThreshold,
    ) -> ApiResult<ScopeThreshold> {
        self.send(
            self.request(Method::PUT, &format!("/api/v1/topic-thresholds/{scope}"))
                .json(body),
        )
        .await
    }
    pub async fn create_meeting(&self, body: &NewMeeting) -> ApiResult<Meeting> {
        self.post("/api/v1/meetings", body, None).await
    }
    pub async fn list_meetings(&self) -> ApiResult<MeetingPage> {
        self.get("/api/v1/meetings").await
    }
    pub async fn get_meeting(&self, id: Uuid) -> ApiResult<Meeting> {
        self.get(&format!("/api/v1/meetings/{id}")).await
    }
    pub async fn register_for_meeting(&self, id: Uuid) -> ApiResult<Meeting> {
        self.post(&format!("/api/v1/meetings/{id}/registrations"), &(), None)
            .await
    }
    pub async fn meeting_checkins(&self, id: Uuid, user_ids: &[Uuid]) -> ApiResult<Meeting> {
        let body = MeetingRoll {
            user_ids: user_ids.to_vec(),
        };
        self.post(&format!("/api/v1/meetings/{id}/checkins"), &body, None)
            .await
    }
    pub async fn meeting_minutes(&self, id: Uuid, body: &MinutesRequest) -> ApiResult<Meeting> {
        self.post(&format!("/api/v1/meetings/{id}/minutes"), body, None)
            .await
    }
    pub async fn confirm_minutes(&self, id: Uuid) -> ApiResult<Meeting> {
        self.post(
            &format!("/api/v1/meetings/{id}/minutes/confirmations"),
            &(),
            None,
        )
        .await
    }
    pub async fn create_poll(&self, body: &NewPoll) -> ApiResult<Poll> {
        self.post("/api/v1/polls", body, None).await
    }
    pub async fn list_polls(&self) -> ApiResult<PollPage> {
        self.get("/api/v1/polls").await
    }
    pub async fn get_poll(&self, id: Uuid) -> ApiResult<Poll> {
        self.get(&format!("/api/v1/polls/{id}")).await
    }
    pub async fn cast_ballot(
        &self,
        id: Uuid,
        choices: &[&str],
        on_behalf_of: Option<Uuid>,
    ) -> ApiResult<BallotReceipt> {
        let body = BallotRequest {
            choices: choices.iter().map(|c| c.to_string()).collect(),
            on_behalf_of,
        };
        self.post(&format!("/api/v1/polls/{id}/ballots"), &body, None)
            .await
    }
    pub async fn paper_tally(&self, id: Uuid, body: &PaperTallyRequest) -> ApiResult<PaperTally> {
        self.post(&format!("/api/v1/polls/{id}/paper-tallies"), body, None)
            .await
    }
    pub async fn publish_poll(&self, id: Uuid) -> ApiResult<Poll> {
        self.post(&format!("/api/v1/polls/{id}/publication"), &(), None)
            .await
    }
    pub async fn poll_results(&self, id: Uuid) -> ApiResult<PollResults> {
        self.get(&format!("/api/v1/polls/{id}/results")).await
    }
    pub async fn create_convention(&self, body: &NewConvention) -> ApiResult<Convention> {
        self.post("/api/v1/conventions", body, None).await
    }
    pub async fn list_conventions(&self) -> ApiResult<ConventionList> {
        self.get("/api/v1/conventions").await
    }
    pub async fn get_convention(&self, id: Uuid) -> ApiResult<Convention> {
        self.get(&format!("/api/v1/conventions/{id}")).await
    }
    pub async fn convention_versions(&self, id: Uuid) -> ApiResult<ConventionVersions> {
        self.get(&format!("/api/v1/conventions/{id}/versions"))
            .await
    }
    pub async fn propose_amendment(&self, id: Uuid, body: &NewAmendment) -> ApiResult<Amendment> {
        self.post(&format!("/api/v1/conventions/{id}/amendments"), body, None)
            .await
    }
    pub async fn decide_amendment(
        &self,
        id: Uuid,
        accept: bool,
        reason: &str,
    ) -> ApiResult<Amendment> {
        let body = AmendmentDecision {
            accept,
            reason: reason.into(),
        };
        self.post(&format!("/api/v1/amendments/{id}/decision"), &body, None)
            .await
    }
    pub async fn draft_convention(&self, id: Uuid) -> ApiResult<ConventionVersion> {
        self.post(&format!("/api/v1/conventions/{id}/drafts"), &(), None)
            .await
    }
    pub async fn review_convention(
        &self,
        id: Uuid,
        approve: bool,
        comment: &str,
    ) -> ApiResult<Convention> {
        let body = ConventionReview {
            approve,
            comment: comment.into(),
        };
        self.post(&format!("/api/v1/conventions/{id}/review"), &body, None)
            .await
    }
    pub async fn file_convention(&self, id: Uuid, reference: &str) -> ApiResult<Convention> {
        let body = ConventionFiling {
            reference: reference.into(),
        };
        self.post(&format!("/api/v1/conventions/{id}/filing"), &body, None)
            .await
    }
}

/// The caller's key, or a fresh one, as the mini-program sends on every value-moving POST.
fn once(key: Option<&str>) -> String {
    key.map_or_else(|| Uuid::new_v4().to_string(), str::to_owned)
}
