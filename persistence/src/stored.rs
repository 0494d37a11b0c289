//! `Stored<E>`: a closed set (a status, a kind) in a TEXT column on both backends, read back as
//! its enum. A row holding a name outside the set fails to load, loudly, instead of travelling
//! on as a string to be parsed (or not) somewhere else.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::pg::Pg;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Text;
use diesel::sqlite::Sqlite;

use canglong_core::WireName;

use crate::db::MultiBackend;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
pub struct Stored<E: WireName>(pub E);

impl<E: WireName> Stored<E> {
    pub fn get(self) -> E {
        self.0
    }
}

/// Read as its wire name, e.g. to render it into a wire enum.
impl<E: WireName> std::ops::Deref for Stored<E> {
    type Target = str;
    fn deref(&self) -> &str {
        self.0.as_str()
    }
}

impl<E: WireName> std::fmt::Display for Stored<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.as_str())
    }
}

impl<E: WireName> From<E> for Stored<E> {
    fn from(e: E) -> Self {
        Stored(e)
    }
}

fn read<E: WireName>(text: &str) -> deserialize::Result<Stored<E>> {
    E::parse(text).map(Stored).ok_or_else(|| {
        format!(
            "stored value `{text}` is not a {}",
            std::any::type_name::<E>()
        )
        .into()
    })
}

impl<E: WireName> ToSql<Text, Pg> for Stored<E> {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <str as ToSql<Text, Pg>>::to_sql(self.0.as_str(), out)
    }
}
impl<E: WireName> FromSql<Text, Pg> for Stored<E> {
    fn from_sql(bytes: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        read(&<String as FromSql<Text, Pg>>::from_sql(bytes)?)
    }
}
impl<E: WireName> ToSql<Text, Sqlite> for Stored<E> {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(self.0.as_str());
        Ok(IsNull::No)
    }
}
impl<E: WireName> FromSql<Text, Sqlite> for Stored<E> {
    fn from_sql(bytes: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        read(&<String as FromSql<Text, Sqlite>>::from_sql(bytes)?)
    }
}
impl<E: WireName> FromSql<Text, MultiBackend> for Stored<E> {
    fn from_sql(bytes: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        bytes.from_sql::<Stored<E>, Text>()
    }
}
impl<E: WireName> ToSql<Text, MultiBackend> for Stored<E> {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
        out.set_value((Text, self));
        Ok(IsNull::No)
    }
}
