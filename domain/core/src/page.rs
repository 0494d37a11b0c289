use uuid::Uuid;

use crate::DomainError;

/// The largest page a client may ask for.
pub const MAX_PAGE_SIZE: u32 = 100;
const DEFAULT_PAGE_SIZE: u32 = 20;

/// An opaque keyset cursor: the id of the last item of the previous page. Ids are UUIDv7, so
/// "older than the cursor" is "id less than the cursor".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor(pub Uuid);

impl Cursor {
    /// What [`Cursor::encode`] writes and [`Cursor::decode`] reads (the document says it too).
    pub const PATTERN: &'static str = "^c[0-9a-fA-F]{32}$";

    pub fn encode(&self) -> String {
        format!("c{}", self.0.simple())
    }
    pub fn decode(s: &str) -> Result<Self, DomainError> {
        s.strip_prefix('c')
            .filter(|hex| hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|hex| Uuid::try_parse(hex).ok())
            .map(Cursor)
            .ok_or_else(|| {
                DomainError::invalid("invalid_cursor", "cursor is not one this API issued")
            })
    }
}

/// A validated page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: u32,
    pub after: Option<Cursor>,
}

impl PageRequest {
    pub fn parse(limit: Option<u32>, cursor: Option<&str>) -> Result<Self, DomainError> {
        let limit = limit.unwrap_or(DEFAULT_PAGE_SIZE);
        if limit == 0 || limit > MAX_PAGE_SIZE {
            return Err(DomainError::invalid(
                "invalid_limit",
                format!("limit must be between 1 and {MAX_PAGE_SIZE}"),
            ));
        }
        let after = cursor.map(Cursor::decode).transpose()?;
        Ok(Self { limit, after })
    }

    /// Cuts a list fetched with `limit + 1` rows into a page and the cursor of the next one.
    pub fn finish<T>(&self, mut rows: Vec<T>, id: impl Fn(&T) -> Uuid) -> (Vec<T>, Option<Cursor>) {
        let more = rows.len() > self.limit as usize;
        rows.truncate(self.limit as usize);
        let next = if more {
            rows.last().map(|r| Cursor(id(r)))
        } else {
            None
        };
        (rows, next)
    }

    /// A page of a list held whole in order (a ranking, a short list): the rows after the
    /// cursor's row. A cursor whose row has left the list starts again from the top, so a
    /// client may see an item twice but never misses one.
    pub fn of_ranked<T>(
        &self,
        mut rows: Vec<T>,
        id: impl Fn(&T) -> Uuid,
    ) -> (Vec<T>, Option<Cursor>) {
        if let Some(Cursor(after)) = self.after
            && let Some(at) = rows.iter().position(|r| id(r) == after)
        {
            rows.drain(..=at);
        }
        rows.truncate(self.limit as usize + 1);
        self.finish(rows, id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranked_pages_follow_the_cursor() {
        let ids: Vec<Uuid> = (0..5).map(|_| Uuid::now_v7()).collect();
        let page = PageRequest::parse(Some(2), None).unwrap();
        let (first, next) = page.of_ranked(ids.clone(), |u| *u);
        assert_eq!((first.as_slice(), next), (&ids[..2], Some(Cursor(ids[1]))));
        let page = PageRequest::parse(Some(2), Some(&next.unwrap().encode())).unwrap();
        assert_eq!(page.of_ranked(ids.clone(), |u| *u).0, &ids[2..4]);
        let page = PageRequest::parse(Some(10), Some(&Cursor(ids[3]).encode())).unwrap();
        assert_eq!(
            page.of_ranked(ids.clone(), |u| *u),
            (ids[4..].to_vec(), None)
        );
    }

    #[test]
    fn cursor_round_trips_and_rejects_foreign_text() {
        let c = Cursor(Uuid::now_v7());
        assert_eq!(Cursor::decode(&c.encode()), Ok(c));
        assert!(Cursor::decode("not-a-cursor").is_err());
    }

    #[test]
    fn limit_bounds() {
        assert_eq!(PageRequest::parse(None, None).unwrap().limit, 20);
        assert!(PageRequest::parse(Some(101), None).is_err());
        assert!(PageRequest::parse(Some(0), None).is_err());
        assert_eq!(PageRequest::parse(Some(100), None).unwrap().limit, 100);
    }

    #[test]
    fn finish_gives_a_cursor_only_when_more_rows_exist() {
        let p = PageRequest::parse(Some(2), None).unwrap();
        let ids: Vec<Uuid> = (0..3).map(|_| Uuid::now_v7()).collect();
        let (page, next) = p.finish(ids.clone(), |u| *u);
        assert_eq!(page.len(), 2);
        assert_eq!(next, Some(Cursor(ids[1])));
        let (_, none) = p.finish(ids[..2].to_vec(), |u| *u);
        assert_eq!(none, None);
    }
}
