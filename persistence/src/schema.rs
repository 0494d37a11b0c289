//! The shared, hand-written schema (one for both backends; see `migrations/`).
//! Ids are `DbUuid` (PostgreSQL `uuid`, SQLite text); times are UTC `Timestamp`.

use crate::id::DbUuid;

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    subdistricts (id) {
        id -> DbUuid,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    communities (id) {
        id -> DbUuid,
        subdistrict_id -> DbUuid,
        name -> Text,
        created_at -> Timestamp,
        care_gap_days -> Integer,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    users (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        nickname -> Text,
        username -> Nullable<Text>,
        password_hash -> Nullable<Text>,
        wechat_openid -> Nullable<Text>,
        phone -> Nullable<Text>,
        notification_prefs -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        disabled_at -> Nullable<Timestamp>,
        token_version -> Integer,
        erased_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    consents (id) {
        id -> DbUuid,
        user_id -> DbUuid,
        policy_version -> Text,
        granted_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    user_roles (user_id, role) {
        user_id -> DbUuid,
        role -> Text,
        community_id -> DbUuid,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    refresh_tokens (id) {
        id -> DbUuid,
        user_id -> DbUuid,
        family_id -> DbUuid,
        token_hash -> Text,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    teams (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        name -> Text,
        description -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    volunteers (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        user_id -> DbUuid,
        status -> Text,
        skills -> Text,
        availability -> Text,
        places -> Text,
        decided_by -> Nullable<DbUuid>,
        decided_at -> Nullable<Timestamp>,
        decision_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    team_members (team_id, volunteer_id) {
        team_id -> DbUuid,
        volunteer_id -> DbUuid,
        community_id -> DbUuid,
        created_at -> Timestamp,
        leader -> Bool,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    needs (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        requester_id -> DbUuid,
        posted_by -> DbUuid,
        category -> Text,
        target_group -> Text,
        title -> Text,
        description -> Text,
        place -> Text,
        window_start -> Timestamp,
        window_end -> Timestamp,
        estimated_minutes -> Integer,
        slots -> Integer,
        slots_taken -> Integer,
        micro -> Bool,
        status -> Text,
        escalated -> Bool,
        escalated_at -> Nullable<Timestamp>,
        done_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    need_claims (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        need_id -> DbUuid,
        volunteer_id -> DbUuid,
        user_id -> DbUuid,
        status -> Text,
        minutes -> Nullable<Integer>,
        note -> Nullable<Text>,
        completed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    need_events (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        need_id -> DbUuid,
        actor_id -> Nullable<DbUuid>,
        action -> Text,
        from_status -> Nullable<Text>,
        to_status -> Text,
        note -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    need_ratings (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        need_id -> DbUuid,
        rater_id -> DbUuid,
        stars -> Integer,
        tags -> Text,
        comment -> Text,
        flagged -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    service_records (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        volunteer_id -> DbUuid,
        need_id -> Nullable<DbUuid>,
        session_id -> Nullable<DbUuid>,
        source -> Text,
        content -> Text,
        beneficiary_group -> Text,
        minutes_reported -> Integer,
        minutes_approved -> Nullable<Integer>,
        status -> Text,
        quality -> Nullable<Text>,
        verified_by -> Nullable<DbUuid>,
        verified_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        honor -> Bool,
        rules_version -> Nullable<Integer>,
        points -> Nullable<BigInt>,
        verification_note -> Nullable<Text>,
        recorded_by -> Nullable<DbUuid>,
        started_at -> Nullable<Timestamp>,
        ended_at -> Nullable<Timestamp>,
        beneficiary_id -> Nullable<DbUuid>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    idempotency_keys (user_id, key) {
        user_id -> DbUuid,
        key -> Text,
        request_hash -> Text,
        status_code -> Integer,
        response_body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    accounts (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        kind -> Text,
        owner_id -> DbUuid,
        balance -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    ledger_transactions (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        kind -> Text,
        idempotency_key -> Text,
        actor_id -> Nullable<DbUuid>,
        memo -> Text,
        reverses_id -> Nullable<DbUuid>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    postings (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        transaction_id -> DbUuid,
        account_id -> DbUuid,
        kind -> Text,
        amount -> BigInt,
        balance_after -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    point_lots (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        account_id -> DbUuid,
        transaction_id -> DbUuid,
        amount -> BigInt,
        remaining -> BigInt,
        expires_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    points_rules (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        version -> Integer,
        rules -> Text,
        created_by -> Nullable<DbUuid>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    merchants (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        name -> Text,
        licence_no -> Text,
        contact_name -> Text,
        contact_phone -> Text,
        address -> Text,
        category -> Text,
        description -> Text,
        status -> Text,
        applicant_id -> Nullable<DbUuid>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    merchant_events (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        merchant_id -> DbUuid,
        actor_id -> Nullable<DbUuid>,
        action -> Text,
        from_status -> Nullable<Text>,
        to_status -> Text,
        reason -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    merchant_staff (user_id) {
        user_id -> DbUuid,
        merchant_id -> DbUuid,
        community_id -> DbUuid,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    offers (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        merchant_id -> Nullable<DbUuid>,
        kind -> Text,
        title -> Text,
        description -> Text,
        points_cost -> BigInt,
        stock -> Integer,
        stock_left -> Integer,
        per_user_limit -> Integer,
        valid_from -> Timestamp,
        valid_to -> Timestamp,
        voucher_valid_days -> Integer,
        session_id -> Nullable<DbUuid>,
        status -> Text,
        created_by -> Nullable<DbUuid>,
        reviewed_by -> Nullable<DbUuid>,
        review_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    vouchers (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        offer_id -> DbUuid,
        merchant_id -> Nullable<DbUuid>,
        holder_id -> DbUuid,
        code -> Text,
        status -> Text,
        points_cost -> BigInt,
        redeem_transaction_id -> DbUuid,
        refund_transaction_id -> Nullable<DbUuid>,
        issued_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        used_by -> Nullable<DbUuid>,
        closed_at -> Nullable<Timestamp>,
        reminded_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    voucher_attempts (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        merchant_id -> Nullable<DbUuid>,
        staff_id -> DbUuid,
        voucher_id -> Nullable<DbUuid>,
        outcome -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    voucher_ratings (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        voucher_id -> DbUuid,
        merchant_id -> Nullable<DbUuid>,
        rater_id -> DbUuid,
        stars -> Integer,
        comment -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    merchant_evaluations (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        merchant_id -> DbUuid,
        year -> Integer,
        decision -> Text,
        note -> Text,
        figures -> Text,
        decided_by -> DbUuid,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    skills (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    volunteer_events (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        volunteer_id -> DbUuid,
        actor_id -> Nullable<DbUuid>,
        from_status -> Nullable<Text>,
        to_status -> Text,
        reason -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    pairings (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        social_worker_id -> DbUuid,
        volunteer_id -> DbUuid,
        status -> Text,
        created_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    plans (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        volunteer_id -> DbUuid,
        author_id -> DbUuid,
        goals -> Text,
        trainings -> Text,
        target_date -> Timestamp,
        progress -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    plan_notes (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        plan_id -> DbUuid,
        author_id -> DbUuid,
        note -> Text,
        progress -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    trainings (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        topic -> Text,
        trainer -> Text,
        trainer_kind -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        place -> Text,
        capacity -> Integer,
        created_by -> DbUuid,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    training_attendance (training_id, volunteer_id) {
        training_id -> DbUuid,
        volunteer_id -> DbUuid,
        community_id -> DbUuid,
        recorded_by -> DbUuid,
        transaction_id -> Nullable<DbUuid>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    training_feedback (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        training_id -> DbUuid,
        volunteer_id -> DbUuid,
        stars -> Integer,
        comment -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    certificates (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        volunteer_id -> DbUuid,
        code -> Text,
        period_from -> Timestamp,
        period_to -> Timestamp,
        total_minutes -> BigInt,
        body -> Text,
        issued_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    rooms (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        name -> Text,
        zone -> Text,
        capacity -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    partners (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        name -> Text,
        kind -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    partner_staff (user_id) {
        user_id -> DbUuid,
        partner_id -> DbUuid,
        community_id -> DbUuid,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    projects (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        title -> Text,
        description -> Text,
        organiser_kind -> Text,
        partner_id -> Nullable<DbUuid>,
        period_start -> Timestamp,
        period_end -> Timestamp,
        status -> Text,
        continues_project_id -> Nullable<DbUuid>,
        created_by -> DbUuid,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    project_parents (project_id, user_id) {
        project_id -> DbUuid,
        user_id -> DbUuid,
        community_id -> DbUuid,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    course_packages (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        project_id -> DbUuid,
        title -> Text,
        description -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    sessions (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        project_id -> DbUuid,
        package_id -> Nullable<DbUuid>,
        title -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        room_id -> Nullable<DbUuid>,
        place -> Text,
        capacity -> Integer,
        enrol_from -> Timestamp,
        enrol_to -> Timestamp,
        volunteer_slots -> Integer,
        attendance_points -> BigInt,
        checkin_secret -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    children (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        parent_id -> DbUuid,
        nickname -> Text,
        birth_year -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    enrolments (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        session_id -> DbUuid,
        user_id -> DbUuid,
        child_ids -> Text,
        party_size -> Integer,
        status -> Text,
        position -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    checkin_attempts (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        session_id -> DbUuid,
        user_id -> DbUuid,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    checkins (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        session_id -> DbUuid,
        user_id -> DbUuid,
        people -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    notifications (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        user_id -> DbUuid,
        kind -> Text,
        title -> Text,
        body -> Text,
        read_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    suggestions (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        author_id -> Nullable<DbUuid>,
        entered_by -> Nullable<DbUuid>,
        source -> Text,
        category -> Text,
        text -> Text,
        anonymous -> Bool,
        merchant_id -> Nullable<DbUuid>,
        project_id -> Nullable<DbUuid>,
        status -> Text,
        response -> Nullable<Text>,
        responded_by -> Nullable<DbUuid>,
        responded_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    subscription_grants (user_id, kind) {
        user_id -> DbUuid,
        kind -> Text,
        remaining -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    outbox (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        user_id -> DbUuid,
        openid -> Text,
        kind -> Text,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    api_clients (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        name -> Text,
        secret_hash -> Text,
        scopes -> Text,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

// The review meetings' rollups (see migration 000013): per community and local day.
diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    activity_days (community_id, day, user_id) {
        community_id -> DbUuid,
        day -> Date,
        user_id -> DbUuid,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    need_days (community_id, day, slot) {
        community_id -> DbUuid,
        day -> Date,
        slot -> SmallInt,
        considered -> BigInt,
        on_time -> BigInt,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    record_days (community_id, day, volunteer_id) {
        community_id -> DbUuid,
        day -> Date,
        volunteer_id -> DbUuid,
        month -> Text,
        records -> BigInt,
        elderly -> BigInt,
        minutes -> BigInt,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    point_days (community_id, day) {
        community_id -> DbUuid,
        day -> Date,
        issued -> BigInt,
        redeemed -> BigInt,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    buildings (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        name -> Text,
        cluster -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    building_heads (building_id, user_id) {
        building_id -> DbUuid,
        user_id -> DbUuid,
        community_id -> DbUuid,
        party_member -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    residents (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        user_id -> DbUuid,
        building_id -> Nullable<DbUuid>,
        unit -> Text,
        room -> Text,
        phone -> Nullable<Text>,
        tags -> Text,
        consent_method -> Text,
        consent_by -> Text,
        consent_recorded_by -> DbUuid,
        consent_at -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    binding_codes (code_hash) {
        code_hash -> Text,
        community_id -> DbUuid,
        resident_id -> DbUuid,
        created_by -> DbUuid,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        used_by -> Nullable<DbUuid>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    relatives (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        proxy_id -> DbUuid,
        elder_id -> DbUuid,
        relation -> Text,
        status -> Text,
        requested_at -> Timestamp,
        decided_by -> Nullable<DbUuid>,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    outreach (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        building_id -> DbUuid,
        resident_id -> Nullable<DbUuid>,
        household -> Text,
        topic -> Text,
        note -> Text,
        visited_at -> Timestamp,
        recorded_by -> DbUuid,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    mediations (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        building_id -> Nullable<DbUuid>,
        title -> Text,
        parties -> Text,
        status -> Text,
        opened_by -> DbUuid,
        agreement -> Nullable<Text>,
        follow_up_at -> Nullable<Timestamp>,
        agreed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    mediation_sessions (id) {
        id -> DbUuid,
        mediation_id -> DbUuid,
        community_id -> DbUuid,
        held_at -> Timestamp,
        note -> Text,
        recorded_by -> DbUuid,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    places (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        name -> Text,
        kind -> Text,
        area_m2 -> Integer,
        zones -> Text,
        code -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    place_services (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        place_id -> DbUuid,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    visits (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        place_id -> DbUuid,
        zone -> Nullable<Text>,
        service_id -> Nullable<DbUuid>,
        people -> Integer,
        visitor_id -> Nullable<DbUuid>,
        recorded_by -> Nullable<DbUuid>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    associations (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        name -> Text,
        kind -> Text,
        description -> Text,
        created_by -> DbUuid,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    association_members (association_id, user_id) {
        association_id -> DbUuid,
        user_id -> DbUuid,
        community_id -> DbUuid,
        role -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    association_sessions (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        association_id -> DbUuid,
        title -> Text,
        room_id -> DbUuid,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        checkin_secret -> Text,
        created_by -> DbUuid,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    attendance (session_id, user_id) {
        session_id -> DbUuid,
        user_id -> DbUuid,
        community_id -> DbUuid,
        target_group -> Text,
        method -> Text,
        recorded_by -> DbUuid,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    campaigns (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        kind -> Text,
        title -> Text,
        theme -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        voting_opens_at -> Nullable<Timestamp>,
        voting_closes_at -> Nullable<Timestamp>,
        max_choices -> Integer,
        jury_weight -> Integer,
        published_at -> Nullable<Timestamp>,
        created_by -> DbUuid,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    campaign_signups (campaign_id, user_id) {
        campaign_id -> DbUuid,
        user_id -> DbUuid,
        community_id -> DbUuid,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    campaign_pledges (campaign_id, user_id) {
        campaign_id -> DbUuid,
        user_id -> DbUuid,
        community_id -> DbUuid,
        text -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    campaign_tasks (id) {
        id -> DbUuid,
        campaign_id -> DbUuid,
        community_id -> DbUuid,
        need_id -> Nullable<DbUuid>,
        session_id -> Nullable<DbUuid>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    campaign_entries (id) {
        id -> DbUuid,
        campaign_id -> DbUuid,
        community_id -> DbUuid,
        author_id -> DbUuid,
        family -> Text,
        text -> Text,
        status -> Text,
        reason -> Nullable<Text>,
        jury_score -> Nullable<Integer>,
        votes -> Nullable<BigInt>,
        score -> Nullable<BigInt>,
        rank -> Nullable<Integer>,
        decided_by -> Nullable<DbUuid>,
        decided_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    campaign_ballots (id) {
        id -> DbUuid,
        campaign_id -> DbUuid,
        community_id -> DbUuid,
        voter_id -> DbUuid,
        entry_ids -> Text,
        status -> Text,
        flag -> Nullable<Text>,
        reviewed_by -> Nullable<DbUuid>,
        review_reason -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    topic_thresholds (community_id, scope) {
        community_id -> DbUuid,
        scope -> Text,
        seconds -> Integer,
        expiry_days -> Integer,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    topics (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        scope -> Text,
        building_id -> Nullable<DbUuid>,
        cluster -> Nullable<Text>,
        title -> Text,
        body -> Text,
        place -> Text,
        raised_by -> DbUuid,
        entered_by -> DbUuid,
        status -> Text,
        seconds -> Integer,
        seconds_needed -> Integer,
        expires_at -> Timestamp,
        merged_into -> Nullable<DbUuid>,
        referred_to -> Nullable<Text>,
        decision -> Nullable<Text>,
        objection_until -> Nullable<Timestamp>,
        owner_id -> Nullable<DbUuid>,
        deadline -> Nullable<Timestamp>,
        percent -> Integer,
        done_at -> Nullable<Timestamp>,
        settled_at -> Nullable<Timestamp>,
        round -> Integer,
        hidden_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    topic_events (id) {
        id -> DbUuid,
        topic_id -> DbUuid,
        community_id -> DbUuid,
        step -> Text,
        status -> Text,
        actor_id -> Nullable<DbUuid>,
        note -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    topic_seconds (topic_id, user_id) {
        topic_id -> DbUuid,
        user_id -> DbUuid,
        community_id -> DbUuid,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    topic_objections (id) {
        id -> DbUuid,
        topic_id -> DbUuid,
        community_id -> DbUuid,
        author_id -> DbUuid,
        text -> Text,
        reply -> Nullable<Text>,
        replied_by -> Nullable<DbUuid>,
        replied_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    topic_progress (id) {
        id -> DbUuid,
        topic_id -> DbUuid,
        community_id -> DbUuid,
        percent -> Integer,
        note -> Text,
        recorded_by -> DbUuid,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    topic_evaluations (topic_id, user_id, round) {
        topic_id -> DbUuid,
        user_id -> DbUuid,
        round -> Integer,
        community_id -> DbUuid,
        stars -> Integer,
        comment -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    meetings (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        kind -> Text,
        title -> Text,
        starts_at -> Timestamp,
        place -> Text,
        scope -> Text,
        building_id -> Nullable<DbUuid>,
        cluster -> Nullable<Text>,
        minutes -> Nullable<Text>,
        minuted_by -> Nullable<DbUuid>,
        minuted_at -> Nullable<Timestamp>,
        confirmed_at -> Nullable<Timestamp>,
        created_by -> DbUuid,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    meeting_topics (meeting_id, topic_id) {
        meeting_id -> DbUuid,
        topic_id -> DbUuid,
        community_id -> DbUuid,
        outcome -> Nullable<Text>,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    meeting_people (meeting_id, user_id) {
        meeting_id -> DbUuid,
        user_id -> DbUuid,
        community_id -> DbUuid,
        registered_at -> Nullable<Timestamp>,
        checked_in_at -> Nullable<Timestamp>,
        checked_in_by -> Nullable<DbUuid>,
        confirmed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    polls (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        subject -> Text,
        subject_id -> DbUuid,
        question -> Text,
        method -> Text,
        options -> Text,
        max_choices -> Integer,
        scope -> Text,
        building_id -> Nullable<DbUuid>,
        cluster -> Nullable<Text>,
        unit -> Text,
        secret -> Bool,
        opens_at -> Timestamp,
        closes_at -> Timestamp,
        turnout_over -> Integer,
        approval_over -> Integer,
        approval_base -> Text,
        electorate -> Nullable<BigInt>,
        electorate_at -> Nullable<Timestamp>,
        ballots -> Nullable<BigInt>,
        counts -> Nullable<Text>,
        outcome -> Nullable<Text>,
        published_at -> Nullable<Timestamp>,
        published_by -> Nullable<DbUuid>,
        created_by -> DbUuid,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    poll_electors (poll_id, user_id) {
        poll_id -> DbUuid,
        user_id -> DbUuid,
        elector -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    poll_voters (poll_id, elector) {
        poll_id -> DbUuid,
        elector -> Text,
        user_id -> DbUuid,
        channel -> Text,
        recorded_by -> Nullable<DbUuid>,
        choices -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    poll_tallies (poll_id, option_index) {
        poll_id -> DbUuid,
        option_index -> Integer,
        votes -> BigInt,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    paper_tallies (id) {
        id -> DbUuid,
        poll_id -> DbUuid,
        community_id -> DbUuid,
        batch -> Text,
        entered_by -> DbUuid,
        voters -> Text,
        counts -> Text,
        status -> Text,
        second_by -> Nullable<DbUuid>,
        decided_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    conventions (id) {
        id -> DbUuid,
        community_id -> DbUuid,
        title -> Text,
        status -> Text,
        version -> Integer,
        created_by -> DbUuid,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    convention_versions (convention_id, version) {
        convention_id -> DbUuid,
        version -> Integer,
        community_id -> DbUuid,
        articles -> Text,
        changelog -> Text,
        status -> Text,
        created_by -> DbUuid,
        created_at -> Timestamp,
        reviewed_by -> Nullable<DbUuid>,
        reviewed_at -> Nullable<Timestamp>,
        review_comment -> Nullable<Text>,
        poll_id -> Nullable<DbUuid>,
        filed_by -> Nullable<DbUuid>,
        filed_at -> Nullable<Timestamp>,
        filing_reference -> Nullable<Text>,
        in_force_from -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::DbUuid;
    amendments (id) {
        id -> DbUuid,
        convention_id -> DbUuid,
        community_id -> DbUuid,
        kind -> Text,
        article -> Integer,
        text -> Text,
        reason -> Text,
        proposed_by -> DbUuid,
        status -> Text,
        decision_reason -> Nullable<Text>,
        decided_by -> Nullable<DbUuid>,
        decided_at -> Nullable<Timestamp>,
        version -> Nullable<Integer>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(postings -> ledger_transactions (transaction_id));
diesel::joinable!(postings -> accounts (account_id));

diesel::joinable!(user_roles -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    consents,
    checkin_attempts,
    subdistricts,
    communities,
    users,
    user_roles,
    refresh_tokens,
    teams,
    volunteers,
    team_members,
    needs,
    need_claims,
    need_events,
    need_ratings,
    service_records,
    idempotency_keys,
    accounts,
    ledger_transactions,
    postings,
    point_lots,
    points_rules,
    merchants,
    merchant_events,
    merchant_staff,
    offers,
    vouchers,
    voucher_attempts,
    voucher_ratings,
    merchant_evaluations,
    skills,
    volunteer_events,
    pairings,
    plans,
    plan_notes,
    trainings,
    training_attendance,
    training_feedback,
    certificates,
    rooms,
    partners,
    partner_staff,
    projects,
    project_parents,
    course_packages,
    sessions,
    children,
    enrolments,
    checkins,
    notifications,
    suggestions,
    subscription_grants,
    outbox,
    api_clients,
    activity_days,
    need_days,
    record_days,
    point_days,
    buildings,
    building_heads,
    residents,
    binding_codes,
    relatives,
    outreach,
    mediations,
    mediation_sessions,
    places,
    place_services,
    visits,
    associations,
    association_members,
    association_sessions,
    attendance,
    campaigns,
    campaign_signups,
    campaign_pledges,
    campaign_tasks,
    campaign_entries,
    campaign_ballots,
    topic_thresholds,
    topics,
    topic_events,
    topic_seconds,
    topic_objections,
    topic_progress,
    topic_evaluations,
    meetings,
    meeting_topics,
    meeting_people,
    polls,
    poll_electors,
    poll_voters,
    poll_tallies,
    paper_tallies,
    conventions,
    convention_versions,
    amendments,
);
