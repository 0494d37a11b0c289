//! Sends the WeChat subscribe messages the outbox holds, after the events committed: each message
//! is claimed with a lease (so two senders, or a sender restarted mid-way, never both send it),
//! sent, and settled as `sent`, `pending` again with a doubling backoff, `dead` after too many
//! failures, or `failed_permanent` when WeChat says it will never accept it.

use std::collections::HashMap;

use canglong_core::notice::{Delivery, OutboxStatus, backoff_secs, classify, fit};
use canglong_core::{NaiveDateTime, Uuid, now};
use canglong_persistence::Pool;
use canglong_persistence::notifications::{self as store, OutboxRow};

use crate::config::Wechat;
use crate::wechat::WechatClient;
use crate::{ApiError, db};

/// How many messages one pass takes; the next pass takes the rest.
const BATCH: i64 = 200;

#[derive(Debug, Clone)]
pub struct OutboxPolicy {
    /// Template id by notice kind.
    pub templates: HashMap<String, String>,
    pub backoff_secs: u64,
    pub max_attempts: u32,
    /// How long a claimed message is left to its sender before another may take it.
    pub lease_secs: i64,
}

impl OutboxPolicy {
    pub fn from_settings(s: &Wechat) -> Self {
        let templates = s
            .wechat_templates
            .split(',')
            .filter_map(|pair| pair.split_once('='))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .filter(|(k, v)| !k.is_empty() && !v.is_empty())
            .collect();
        Self {
            templates,
            backoff_secs: s.outbox_backoff_secs,
            max_attempts: s.outbox_max_attempts.max(1),
            lease_secs: 60,
        }
    }
}

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryReport {
    pub sent: usize,
    pub retried: usize,
    pub dead: usize,
    pub failed_permanent: usize,
}

pub async fn deliver(
    pool: &Pool,
    wechat: &WechatClient,
    policy: &OutboxPolicy,
) -> Result<DeliveryReport, ApiError> {
    let mut report = DeliveryReport::default();
    let at = now();
    let rows = db::read(pool, move |c| Ok(store::due(c, at, BATCH)?)).await?;
    for row in rows {
        let id = row.id.0;
        let lease = now() + chrono::Duration::seconds(policy.lease_secs);
        let claimed = db::write(pool, move |c| Ok(store::claim(c, id, now(), lease)?)).await?;
        if !claimed {
            continue;
        }
        let outcome = match policy.templates.get(&*row.kind) {
            None => Err("no template is configured for this kind".to_string()),
            Some(template) => {
                let code = wechat.send_subscribe(&message(&row, template)).await;
                match classify(code) {
                    Delivery::Sent => Ok(()),
                    Delivery::Permanent => Err(format!("errcode {}", code.unwrap_or_default())),
                    Delivery::Retry | Delivery::RefreshToken => {
                        let attempts = row.attempts + 1;
                        let error = code.map_or("unreachable".into(), |c| format!("errcode {c}"));
                        let dead = attempts as u32 >= policy.max_attempts;
                        let next = now()
                            + chrono::Duration::seconds(backoff_secs(
                                policy.backoff_secs,
                                row.attempts as u32,
                            ) as i64);
                        let status = if dead {
                            OutboxStatus::Dead
                        } else {
                            OutboxStatus::Pending
                        };
                        settle(pool, id, status, attempts, next, Some(error)).await?;
                        if dead {
                            tracing::warn!(%id, "subscribe message given up");
                            report.dead += 1;
                        } else {
                            report.retried += 1;
                        }
                        continue;
                    }
                }
            }
        };
        let attempts = row.attempts + 1;
        match outcome {
            Ok(()) => {
                settle(pool, id, OutboxStatus::Sent, attempts, now(), None).await?;
                report.sent += 1;
            }
            Err(why) => {
                tracing::warn!(%id, kind = %row.kind, %why, "subscribe message refused for good");
                settle(
                    pool,
                    id,
                    OutboxStatus::FailedPermanent,
                    attempts,
                    now(),
                    Some(why),
                )
                .await?;
                report.failed_permanent += 1;
            }
        }
    }
    Ok(report)
}

async fn settle(
    pool: &Pool,
    id: Uuid,
    status: OutboxStatus,
    attempts: i32,
    next: NaiveDateTime,
    error: Option<String>,
) -> Result<(), ApiError> {
    db::write(pool, move |c| {
        Ok(store::settle(
            c,
            id,
            status,
            attempts,
            next,
            error.as_deref(),
        )?)
    })
    .await
}

/// The `message/subscribe/send` body. Values are cut to the template limits (`thing` ≤ 20
/// characters) so WeChat does not refuse them (47003).
fn message(row: &OutboxRow, template: &str) -> serde_json::Value {
    let p: serde_json::Value = serde_json::from_str(&row.payload).unwrap_or_default();
    let text = |k: &str| p.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
    serde_json::json!({
        "touser": row.openid,
        "template_id": template,
        "page": "pages/notifications/index",
        "miniprogram_state": "formal",
        "lang": "zh_CN",
        "data": {
            "thing1": {"value": fit(&text("title"), 20)},
            "thing2": {"value": fit(&text("body"), 20)},
            "time3": {"value": text("time")},
        },
    })
}
